# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Generate consistent TOP-shaped demo data for the sandbox.

Usage:
  python sandbox/generate_data.py --items 40 --skus-per-item 6 --trades 300 \
      --days 5 --seed 7 --start '2024-06-01 00:00:00' --out sandbox/demo_data.json

Items are shaped like taobao.item.seller.get returns them, trades like
taobao.trade.fullinfo.get; money rules are documented in sandbox/README.md.
Stdlib only, any Python >= 3.7.
"""
import argparse
import datetime
import json
import random
import sys

FMT = '%Y-%m-%d %H:%M:%S'
SELLER_NICK = '悦享生活旗舰店'
COLOR_PID, SIZE_PID = 1627207, 20509
COLORS = [(28341, '黑色'), (28320, '白色'), (28326, '红色'), (28338, '蓝色'),
          (28332, '灰色'), (3232480, '粉红色'), (28335, '绿色'), (28324, '黄色'),
          (3232483, '军绿色'), (28327, '酒红色'), (3232481, '巧克力色'),
          (28329, '卡其色')]
SIZES = [(28314, 'S'), (28315, 'M'), (28316, 'L'), (28317, 'XL'),
         (28318, 'XXL'), (6145171, 'XXXL')]
APPAREL = [('纯棉T恤', 16, 59), ('连衣裙', 50010850, 199), ('连帽卫衣', 50008898, 159),
           ('直筒牛仔裤', 50010167, 179), ('长袖衬衫', 162104, 129),
           ('轻薄羽绒服', 50008900, 399), ('针织开衫', 50000697, 149),
           ('高腰半身裙', 1623, 99), ('休闲运动裤', 50023108, 89),
           ('防晒外套', 50011123, 119), ('百搭小白鞋', 50012906, 219)]
GOODS = [('真空保温杯 500ml', 50016348, 69), ('西湖龙井茶叶 250g', 50013040, 128),
         ('天然土蜂蜜 500g', 50016422, 58), ('帆布托特包', 50012010, 45),
         ('硅胶手机壳', 50019790, 29), ('陶瓷马克杯', 50016348, 39)]
PREFIXES = ['2024夏季新款', '韩版宽松', '简约百搭', '加厚保暖', 'ins风', '经典款',
            '男女同款', '大码显瘦', '复古港风', '日系清新']
PROVINCES = [('浙江省', '杭州市', ['西湖区', '滨江区', '余杭区'], '310000'),
             ('上海', '上海市', ['浦东新区', '徐汇区', '静安区'], '200000'),
             ('北京', '北京市', ['朝阳区', '海淀区', '东城区'], '100000'),
             ('广东省', '深圳市', ['南山区', '福田区', '宝安区'], '518000'),
             ('广东省', '广州市', ['天河区', '越秀区', '番禺区'], '510000'),
             ('江苏省', '南京市', ['鼓楼区', '玄武区', '江宁区'], '210000'),
             ('四川省', '成都市', ['武侯区', '锦江区', '高新区'], '610000'),
             ('湖北省', '武汉市', ['洪山区', '江汉区', '武昌区'], '430000')]
STREETS = ['文三路', '中山路', '人民路', '解放大道', '建设路', '科技园南路', '长江路', '学院路']
SURNAMES = '张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高'
GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超']
MESSAGES = ['请周末送货', '麻烦发顺丰，谢谢', '送人的，请不要放发票', '尽快发货', '颜色发黑色的谢谢',
            '包装好一点', '请电话联系后再送']
MEMOS = ['已备注优先发货', '客户要求改地址，已核实', 'VIP老客户，送小礼品', '缺货待补，联系买家',
         '核对尺码后再发']
COMPANIES = ['YTO', 'ZTO', 'STO', 'SF', 'YUNDA', 'EMS']
STATUS_WEIGHTS = [('WAIT_SELLER_SEND_GOODS', 50), ('WAIT_BUYER_PAY', 10),
                  ('WAIT_BUYER_CONFIRM_GOODS', 15), ('TRADE_FINISHED', 12),
                  ('TRADE_CLOSED', 5), ('TRADE_CLOSED_BY_TAOBAO', 8)]
GIFT_TITLE = '【赠品】便携收纳袋'


def money(cents):
    return '%d.%02d' % divmod(int(cents), 100) if cents >= 0 else \
        '-' + money(-cents)


def fmt(dt):
    return dt.strftime(FMT)


def sku_grid(count):
    """First ``count`` colour x size combinations, sizes varying fastest."""
    per = min(len(SIZES), max(1, count if count < 4 else 4 if count <= 12 else 6))
    combos = [(c, s) for c in COLORS for s in SIZES[:per]]
    if count > len(combos):
        combos = [(c, s) for c in COLORS for s in SIZES]
    return combos[:count]


def make_item(rng, index, skus_per_item, no_sku_ratio, base_time, sku_counter):
    num_iid = 520000000000 + index + 1
    with_skus = skus_per_item > 0 and rng.random() >= no_sku_ratio
    noun, cid, base = rng.choice(APPAREL if with_skus else GOODS)
    price = base * 100 + rng.choice([0, 0, 0, -1, 900]) * (1 if base > 20 else 0)
    has_code = rng.random() >= 0.15
    outer_id = 'YX%04d' % (index + 1) if has_code else None
    created = base_time - datetime.timedelta(days=rng.randint(30, 300))
    modified = base_time - datetime.timedelta(minutes=rng.randint(60, 60 * 24 * 20))
    item = {
        'num_iid': num_iid, 'title': '%s%s' % (rng.choice(PREFIXES), noun),
        'nick': SELLER_NICK, 'type': 'fixed', 'cid': cid, 'price': money(price),
        'approve_status': 'onsale' if rng.random() < 0.85 else 'instock',
        'created': fmt(created), 'list_time': fmt(created),
        'delist_time': fmt(created + datetime.timedelta(days=7)),
        'modified': fmt(modified), 'seller_cids': ',%d,' % (1000 + cid % 7),
        'pic_url': 'https://img.alicdn.com/imgextra/i1/demo/%d.jpg' % num_iid,
        'sold_quantity': rng.randint(0, 500), 'postage_id': 0,
    }
    if outer_id:
        item['outer_id'] = outer_id
    if not with_skus:
        item['num'] = rng.randint(0, 300)
        item['skus'] = {'sku': []}
        return item
    skus = []
    for (cvid, cname), (svid, sname) in sku_grid(skus_per_item):
        sku_counter[0] += 1
        sku_price = price + (1000 if sname in ('XXL', 'XXXL') else 0)
        sku = {
            'sku_id': 4000000000000 + sku_counter[0], 'num_iid': num_iid,
            'properties': '%d:%d;%d:%d' % (COLOR_PID, cvid, SIZE_PID, svid),
            'properties_name': '%d:%d:颜色分类:%s;%d:%d:尺码:%s'
                               % (COLOR_PID, cvid, cname, SIZE_PID, svid, sname),
            'quantity': rng.randint(0, 80), 'price': money(sku_price),
            'status': 'normal', 'created': item['created'],
            'modified': item['modified'],
        }
        if outer_id:
            sku['outer_id'] = '%s-%s-%s' % (outer_id, cvid % 1000, sname)
        skus.append(sku)
    colors = sorted(set(s['properties'].split(';')[0] for s in skus))
    sizes = sorted(set(s['properties'].split(';')[1] for s in skus))
    item['props'] = ';'.join(colors + sizes)
    item['props_name'] = ';'.join(sorted(set(
        part for s in skus for part in s['properties_name'].split(';'))))
    if rng.random() < 0.3:  # sellers sometimes rename a colour value
        item['property_alias'] = '%s:%s' % (colors[0], '经典' + COLORS[0][1])
    item['num'] = sum(s['quantity'] for s in skus)
    item['skus'] = {'sku': skus}
    return item


def make_buyers(rng, count):
    buyers = []
    for i in range(max(1, count)):
        addresses = [random_address(rng) for _ in range(1 if rng.random() < 0.7 else 2)]
        buyers.append({'nick': 'tb%s%04d' % (rng.choice(['小', '阿', '']), i),
                       'addresses': addresses})
    return buyers


def random_address(rng):
    state, city, districts, zipcode = rng.choice(PROVINCES)
    # One expression: the seeded draws must keep their order (surname, given, coin, given).
    name = (rng.choice(SURNAMES) + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.5 else ''))
    return {
        'receiver_name': name, 'receiver_state': state, 'receiver_city': city,
        'receiver_district': rng.choice(districts),
        'receiver_address': '%s%d号%d幢%d室' % (rng.choice(STREETS), rng.randint(1, 999),
                                             rng.randint(1, 30), rng.randint(101, 2505)),
        'receiver_zip': zipcode,
        'receiver_mobile': '1%d%08d' % (rng.choice([35, 38, 39, 58, 86, 88]),
                                        rng.randint(0, 10 ** 8 - 1)),
        'receiver_phone': '',
    }


def pick_lines(rng, sellable):
    lines = []
    for _ in range(1 if rng.random() < 0.65 else rng.randint(2, 3)):
        item = rng.choice(sellable)
        skus = item['skus']['sku']
        sku = rng.choice(skus) if skus else None
        lines.append((item, sku, 1 if rng.random() < 0.8 else rng.randint(2, 3)))
    return lines


def order_from_line(rng, tid_num, index, line, status):
    item, sku, num = line
    price = int(round(float((sku or item)['price']) * 100))
    order = {
        'oid': str(tid_num + index + 1), 'num_iid': item['num_iid'],
        'title': item['title'], 'price': money(price), 'num': num,
        'pic_path': item['pic_url'], 'cid': item['cid'], 'seller_type': 'C',
        'refund_status': 'SUCCESS' if status == 'TRADE_CLOSED' else 'NO_REFUND',
        'status': status, 'outer_iid': item.get('outer_id', ''),
        'outer_sku_id': (sku or {}).get('outer_id', ''),
        'sku_id': str(sku['sku_id']) if sku else '',
        'sku_properties_name': ';'.join(p.split(':', 2)[2] for p in
                                        sku['properties_name'].split(';')) if sku else '',
    }
    gross = price * num
    disc = int(gross * rng.choice([5, 10, 15]) / 100) if rng.random() < 0.2 else 0
    adjust = rng.choice([-500, -300, -1000, 200]) if rng.random() < 0.06 else 0
    adjust = max(adjust, disc - gross)  # never below zero
    order['_cents'] = [price, num, disc, adjust, 0]
    return order


def make_trade(rng, seq, created, status, buyer, lines, gift_item):
    tid_num = 2001000000000000000 + seq * 100
    tid = str(tid_num)
    orders = [order_from_line(rng, tid_num, i, l, status) for i, l in enumerate(lines)]
    promos = []
    for order in orders:
        if order['_cents'][2]:
            promos.append({'id': order['oid'], 'promotion_name': '限时打折',
                           'promotion_id': 'Tmall$tspAll-%d' % rng.randint(10 ** 6, 10 ** 7),
                           'discount_fee': money(order['_cents'][2]),
                           'promotion_desc': '限时打折:省%s元' % money(order['_cents'][2])})
    apply_mjz(rng, tid, orders, promos)
    if len(lines) == 1 and rng.random() < 0.6:
        orders[0]['oid'] = tid  # single-order trades often reuse the tid
    if rng.random() < 0.08:
        add_gift_order(tid_num, orders, gift_item, status)
    if rng.random() < 0.07:
        promos.append({'id': tid, 'promotion_name': '满就送', 'discount_fee': '0.00',
                       'promotion_id': 'mjs-%d_%d' % (rng.randint(10 ** 5, 10 ** 6), seq),
                       'promotion_desc': '买就送:%s' % gift_item['title'],
                       'gift_item_id': str(gift_item['num_iid']),
                       'gift_item_name': gift_item['title'], 'gift_item_num': '1'})
    trade = trade_totals(rng, tid, orders, status, created)
    trade.update(buyer_fields(rng, buyer))
    trade['promotion_details'] = {'promotion_detail': promos}
    trade['orders'] = {'order': orders}
    return trade


def apply_mjz(rng, tid, orders, promos):
    """Spread a trade-level 满减 over the orders proportionally."""
    nets = [o['_cents'][0] * o['_cents'][1] + o['_cents'][3] - o['_cents'][2] for o in orders]
    total = sum(nets)
    if total < 19900 or rng.random() > 0.4:
        return
    mjz = 2000 if total < 39900 else 5000
    left = mjz
    for i, order in enumerate(orders):
        share = left if i == len(orders) - 1 else mjz * nets[i] // total
        order['_cents'][4] = share
        left -= share
    promos.append({'id': tid, 'promotion_name': '满%d减%d' % (mjz // 100 * 10 - 1, mjz // 100),
                   'promotion_id': 'mjs-%d_%d' % (rng.randint(10 ** 5, 10 ** 6),
                                                  rng.randint(1, 10 ** 6)),
                   'discount_fee': money(mjz),
                   'promotion_desc': '店铺满减:省%s元' % money(mjz)})


def add_gift_order(tid_num, orders, gift_item, status):
    gift = {'oid': str(tid_num + 90), 'num_iid': gift_item['num_iid'],
            'title': gift_item['title'], 'price': '0.00', 'num': 1,
            'pic_path': gift_item['pic_url'], 'cid': gift_item['cid'], 'seller_type': 'C',
            'refund_status': 'NO_REFUND', 'status': status, 'is_free_gift': True,
            'outer_iid': gift_item.get('outer_id', ''), 'outer_sku_id': '', 'sku_id': '',
            'sku_properties_name': '', 'gift_mids': orders[0]['oid'],
            'need_return': False, '_cents': [0, 1, 0, 0, 0]}
    orders[0]['has_gift'] = True
    orders[0]['gift_mids'] = gift['oid']
    orders.append(gift)


def trade_totals(rng, tid, orders, status, created):
    post = 0 if rng.random() < 0.6 else rng.choice([600, 800, 1000, 1200, 1500])
    single = len(orders) == 1
    for order in orders:
        price, num, disc, adjust, mjz = order.pop('_cents')
        total = price * num + adjust - disc
        order.update(total_fee=money(total), discount_fee=money(disc),
                     adjust_fee=money(adjust), part_mjz_discount=money(mjz),
                     divide_order_fee=money(total - mjz),
                     payment=money(total - mjz + (post if single else 0)))

    def cents(key):
        return sum(int(round(float(o[key]) * 100)) for o in orders)
    gross = sum(int(round(float(o['price']) * 100)) * o['num'] for o in orders)
    payment = cents('divide_order_fee') + post
    trade = {
        'tid': tid, 'status': status, 'type': 'fixed', 'seller_nick': SELLER_NICK,
        'shipping_type': 'express', 'total_fee': money(gross), 'post_fee': money(post),
        'discount_fee': money(cents('discount_fee') + cents('part_mjz_discount')),
        'adjust_fee': money(cents('adjust_fee')), 'payment': money(payment),
        'received_payment': money(payment) if status == 'TRADE_FINISHED' else '0.00',
        'num': orders[0]['num'] if single else 0, 'seller_flag': 0,
        'alipay_no': '2024%016d' % rng.randint(0, 10 ** 16 - 1),
    }
    if single:
        trade.update(num_iid=orders[0]['num_iid'], price=orders[0]['price'])
    trade.update(status_times(rng, status, created, orders))
    return trade


def status_times(rng, status, created, orders):
    def minutes(low, high):
        return datetime.timedelta(minutes=rng.randint(low, high))
    out = {'created': fmt(created)}
    modified = created + minutes(0, 3)
    if status not in ('WAIT_BUYER_PAY', 'TRADE_CLOSED_BY_TAOBAO'):
        pay = created + minutes(0, 3)
        out['pay_time'] = modified = fmt(pay)
        modified = pay
    if status in ('WAIT_BUYER_CONFIRM_GOODS', 'TRADE_FINISHED'):
        consign = modified + minutes(30, 600)
        out['consign_time'] = fmt(consign)
        company = rng.choice(COMPANIES)
        waybill = '%s%012d' % (company[:2], rng.randint(0, 10 ** 12 - 1))
        for order in orders:
            order.update(consign_time=fmt(consign), logistics_company=company,
                         invoice_no=waybill)
        modified = consign
    if status in ('TRADE_FINISHED', 'TRADE_CLOSED', 'TRADE_CLOSED_BY_TAOBAO'):
        modified = modified + minutes(60, 1200)
        out['end_time'] = fmt(modified)
        for order in orders:
            order['end_time'] = out['end_time']
    out['modified'] = fmt(modified)
    return out


def buyer_fields(rng, buyer):
    out = dict(rng.choice(buyer['addresses']))
    out['buyer_nick'] = buyer['nick']
    if rng.random() < 0.15:
        out['buyer_message'] = rng.choice(MESSAGES)
    if rng.random() < 0.15:
        out['seller_memo'] = rng.choice(MEMOS)
        out['seller_flag'] = rng.randint(1, 5)
    out['has_buyer_message'] = 'buyer_message' in out
    return out


def generate(items=40, skus_per_item=6, trades=300, days=5, seed=1, start=None,
             no_sku_ratio=0.2):
    """Return ``{"reference_time", "items", "trades"}`` in TOP shape."""
    rng = random.Random(seed)
    start_dt = parse_start(start, days)
    end_dt = start_dt + datetime.timedelta(days=days)
    sku_counter = [0]
    item_list = [make_item(rng, i, skus_per_item, no_sku_ratio, start_dt, sku_counter)
                 for i in range(items)]
    gift_item = make_gift_item(len(item_list), start_dt)
    item_list.append(gift_item)
    sellable = [i for i in item_list[:-1]] or [gift_item]
    buyers = make_buyers(rng, trades // 3)
    weights = [w for _s, w in STATUS_WEIGHTS]
    statuses = rng.choices([s for s, _w in STATUS_WEIGHTS], weights, k=trades)
    span = max(1, int((end_dt - start_dt).total_seconds()) - 4 * 3600)
    stamps = sorted(rng.randint(0, span) for _ in range(trades))
    trade_list = []
    for seq in range(trades):
        created = start_dt + datetime.timedelta(seconds=stamps[seq])
        trade = make_trade(rng, seq + 1, created, statuses[seq], rng.choice(buyers),
                           pick_lines(rng, sellable), gift_item)
        trade_list.append(clamp_future(trade, end_dt))
    return {'reference_time': fmt(end_dt), 'seller_nick': SELLER_NICK,
            'items': item_list, 'trades': trade_list}


def clamp_future(trade, end_dt):
    """Late trades must not look modified after the reference time."""
    limit = fmt(end_dt)
    if trade['modified'] > limit:
        trade['status'] = trade['status'] if 'end_time' not in trade else trade['status']
        for key in ('modified', 'end_time', 'consign_time', 'pay_time'):
            if trade.get(key, '') > limit:
                trade[key] = limit
        for order in trade['orders']['order']:
            for key in ('end_time', 'consign_time'):
                if order.get(key, '') > limit:
                    order[key] = limit
    return trade


def add_presale_and_cod(data):
    """Turn two open trades of the day before the reference time (what a first sync
    reads) into a presale whose final payment is missing and a cash-on-delivery
    trade. Deterministic: the other trades stay as they were."""
    ref = datetime.datetime.strptime(data['reference_time'], FMT)
    since = fmt(ref - datetime.timedelta(hours=24))
    until = fmt(ref - datetime.timedelta(hours=16))
    presale, cod = [t for t in data['trades']
                    if t['status'] == 'WAIT_SELLER_SEND_GOODS' and since <= t['created'] < until
                    and not t.get('buyer_message') and not t.get('seller_memo')][:2]
    deposit = int(presale['payment'].replace('.', '')) * 3 // 10
    presale.update(type='step', status='WAIT_BUYER_PAY',
                   step_trade_status='FRONT_PAID_FINAL_NOPAID', step_paid_fee=money(deposit),
                   send_time=fmt(ref + datetime.timedelta(days=3)))
    presale.pop('pay_time', None)
    for order in presale['orders']['order']:
        order['status'] = 'WAIT_BUYER_PAY'
    cod['type'] = 'cod'
    return data


def make_gift_item(index, base_time):
    num_iid = 520000000000 + index + 1
    return {'num_iid': num_iid, 'title': GIFT_TITLE, 'nick': SELLER_NICK,
            'type': 'fixed', 'cid': 50012010, 'price': '0.01', 'num': 999,
            'approve_status': 'instock', 'outer_id': 'GIFT-BAG',
            'created': fmt(base_time - datetime.timedelta(days=60)),
            'modified': fmt(base_time - datetime.timedelta(days=1)),
            'pic_url': 'https://img.alicdn.com/imgextra/i1/demo/gift.jpg',
            'skus': {'sku': []}}


def parse_start(start, days):
    if start:
        return datetime.datetime.strptime(start, FMT)
    beijing_now = datetime.datetime.utcnow() + datetime.timedelta(hours=8)
    return beijing_now.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=days)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--items', type=int, default=40)
    parser.add_argument('--skus-per-item', type=int, default=6)
    parser.add_argument('--trades', type=int, default=300)
    parser.add_argument('--days', type=int, default=5)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--start', help="Beijing time 'YYYY-MM-DD HH:MM:SS'")
    parser.add_argument('--no-sku-ratio', type=float, default=0.2,
                        help='share of items sold without SKUs')
    parser.add_argument('--presale-and-cod', action='store_true',
                        help='one presale trade waiting for its final payment, one COD trade')
    parser.add_argument('--out', required=True)
    args = parser.parse_args(argv)
    data = generate(args.items, args.skus_per_item, args.trades, args.days,
                    args.seed, args.start, args.no_sku_ratio)
    if args.presale_and_cod:
        add_presale_and_cod(data)
    with open(args.out, 'w', encoding='utf-8') as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)
        handle.write('\n')
    sys.stdout.write('wrote %d items, %d trades to %s\n'
                     % (len(data['items']), len(data['trades']), args.out))


if __name__ == '__main__':
    main()
