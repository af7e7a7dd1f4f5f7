# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""JD refund review through the client against the JD sandbox."""
import pytest

from jd_client import BusinessError

from .conftest import make_client


def pending(box, state='WAIT_SELLER_STOCK_OUT'):
    orders = box.control('state')['orders']
    order_id = next(o['orderId'] for o in orders if o['orderState'] == state)
    return order_id, box.control('refund', {'orderId': order_id, 'applyRefundSum': 1000})


def order_state(box, order_id):
    return next(o['orderState'] for o in box.control('state')['orders']
                if o['orderId'] == order_id)


def refund_status(box, refund_id):
    return next(r['status'] for r in box.control('state')['refunds'] if r['id'] == refund_id)


def test_approve_before_shipping_cancels_the_locked_order(jd_fresh):
    client = make_client(jd_fresh)
    order_id, refund = pending(jd_fresh)
    assert order_state(jd_fresh, order_id) == 'LOCKED'
    assert client.reply_refund(refund['id'], True, 'agreed', 'odoo')['success'] is True
    assert refund_status(jd_fresh, refund['id']) == 1
    assert order_state(jd_fresh, order_id) == 'TRADE_CANCELED'
    with pytest.raises(BusinessError) as caught:
        client.reply_refund(refund['id'], True, 'again', 'odoo')
    assert 'reviewed already' in str(caught.value)


def test_refuse_needs_a_remark_and_lifts_the_lock(jd_fresh):
    client = make_client(jd_fresh)
    order_id, refund = pending(jd_fresh)
    with pytest.raises(BusinessError):
        client.reply_refund(refund['id'], False, '', 'odoo', reject_type=4)
    client.reply_refund(refund['id'], False, '已电话沟通，客户同意签收', 'odoo', reject_type=4)
    assert refund_status(jd_fresh, refund['id']) == 2
    assert order_state(jd_fresh, order_id) == 'WAIT_SELLER_STOCK_OUT'
