/* Copyright 2026 ecommerce_sync contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
odoo.define('ecommerce_sync.receiver_lookup', function (require) {
    "use strict";

    var core = require('web.core');
    var Dialog = require('web.Dialog');
    var _t = core._t;

    /**
     * Customer care: find a shop's trades by a buyer's name or phone through the
     * platform. What the agent types goes to the platform only, never to a record.
     */
    function receiverLookup(parent, action) {
        var params = action.params || {};
        var fields = [['name', _t("Name")], ['mobile', _t("Mobile")], ['phone', _t("Phone")]];
        var $content = $('<div class="form-horizontal"/>');
        _.each(fields, function (field) {
            $content.append($('<div class="form-group"/>').append(
                $('<label class="col-sm-3 control-label"/>').text(field[1]),
                $('<div class="col-sm-9"/>').append(
                    $('<input type="text" class="form-control" autocomplete="off"/>')
                        .attr('name', field[0]))));
        });
        var dialog = new Dialog(parent, {
            title: params.title || '',
            $content: $content,
            buttons: [{
                text: _t("Search"),
                classes: 'btn-primary',
                click: function () {
                    var kwargs = {};
                    _.each(fields, function (field) {
                        var value = $content.find('input[name="' + field[0] + '"]').val();
                        if (value) {
                            kwargs[field[0]] = value;
                        }
                    });
                    dialog._rpc({
                        model: 'ecommerce.shop',
                        method: 'find_trades_by_receiver',
                        args: [[params.shop_id]],
                        kwargs: kwargs,
                    }).then(function (tids) {
                        dialog.close();
                        parent.do_action({
                            type: 'ir.actions.act_window',
                            name: params.title || '',
                            res_model: 'sale.order',
                            views: [[false, 'list'], [false, 'form']],
                            domain: [['ecommerce_shop_id', '=', params.shop_id],
                                ['ecommerce_tid', 'in', tids]],
                        });
                    });
                },
            }, {text: _t("Cancel"), close: true}],
        });
        dialog.open();
    }

    core.action_registry.add('ecommerce_sync_receiver_lookup', receiverLookup);
    return receiverLookup;
});
