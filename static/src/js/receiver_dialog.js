/* Copyright 2026 ecommerce_sync contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
odoo.define('ecommerce_sync.receiver_dialog', function (require) {
    "use strict";

    var core = require('web.core');
    var Dialog = require('web.Dialog');
    var _t = core._t;

    /**
     * Show a revealed receiver. The plaintext comes with the action and lives in
     * this dialog only: closing it leaves nothing behind, in Odoo or in the URL.
     */
    function receiverDialog(parent, action) {
        var params = action.params || {};
        var $content = $('<div/>');
        if (params.ok) {
            var $list = $('<dl class="dl-horizontal"/>');
            _.each(params.lines || [], function (line) {
                $list.append($('<dt/>').text(line[0]), $('<dd/>').text(line[1]));
            });
            $content.append($list);
        } else {
            $content.append($('<p/>').text(params.message || ''));
        }
        parent.do_action({type: 'ir.actions.act_window_close'});
        new Dialog(parent, {
            title: params.title || '',
            $content: $content,
            buttons: [{text: _t("Close"), close: true}],
        }).open();
    }

    core.action_registry.add('ecommerce_sync_receiver_dialog', receiverDialog);
    return receiverDialog;
});
