/* Copyright 2026 ecommerce_sync contributors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
odoo.define('ecommerce_sync.waybill_print', function (require) {
    "use strict";

    var core = require('web.core');
    var Widget = require('web.Widget');
    var _t = core._t;

    /**
     * 打单: send the e-waybills of deliveries to the Cainiao print component on this
     * PC, one document per task (a jammed printer then never prints a label twice),
     * in the order given. The server says which deliveries may print (a held one
     * may not); the component's answers are recorded on the deliveries.
     */
    var WaybillPrint = Widget.extend({
        className: 'o_ecommerce_waybill_print container-fluid',
        events: {
            'click .o_waybill_print_all': function () { this._printWhere(); },
            'click .o_waybill_print_failed': function () {
                var self = this;
                this._printWhere(function (doc) { return self.status[doc.picking] === 'failed'; });
            },
            'click .o_waybill_back': function () { this.trigger_up('history_back'); },
        },

        init: function (parent, action) {
            this._super.apply(this, arguments);
            this.pickingIds = (action.params || {}).picking_ids || [];
            this.status = {};
            this.messages = {};
            this.waiting = {};
            this.seq = 0;
        },

        willStart: function () {
            var self = this;
            return $.when(this._super.apply(this, arguments), this._rpc({
                model: 'stock.picking',
                method: 'ecommerce_print_documents',
                args: [this.pickingIds],
            }).then(function (data) { self.data = data; }));
        },

        start: function () {
            this._render();
            this._connect();
            return this._super.apply(this, arguments);
        },

        destroy: function () {
            if (this.socket) {
                this.socket.close();
            }
            this._super.apply(this, arguments);
        },

        _render: function () {
            var self = this;
            var $head = $('<div class="o_waybill_head form-inline"/>').append(
                $('<h2/>').text(_t("Print Waybills")),
                $('<span class="o_waybill_component label label-default"/>')
                    .text(_t("Connecting to the print component…")),
                ' ',
                $('<label/>').text(_t("Printer")),
                ' ',
                $('<select class="form-control o_waybill_printer" disabled="disabled"/>'),
                ' ',
                $('<button class="btn btn-primary o_waybill_print_all" disabled="disabled"/>')
                    .text(_t("Print")),
                ' ',
                $('<button class="btn btn-default o_waybill_print_failed" disabled="disabled"/>')
                    .text(_t("Reprint Failed")),
                ' ',
                $('<button class="btn btn-default o_waybill_back"/>').text(_t("Back")));
            var $rows = $('<tbody/>');
            _.each(this.data.documents, function (doc, index) {
                $rows.append($('<tr class="o_waybill_row"/>').attr('data-picking', doc.picking)
                    .append($('<td/>').text(index + 1), $('<td/>').text(doc.name),
                        $('<td class="o_waybill_code"/>').text(doc.waybill),
                        $('<td class="o_waybill_status"/>').text(_t("To print"))));
            });
            var $table = $('<table class="table table-condensed o_waybill_table"/>').append(
                $('<thead/>').append($('<tr/>').append(
                    $('<th/>').text('#'), $('<th/>').text(_t("Delivery")),
                    $('<th/>').text(_t("Waybill")), $('<th/>').text(_t("Status")))),
                $rows);
            var $skipped = $('<ul class="o_waybill_skipped text-warning"/>');
            _.each(this.data.skipped, function (skip) {
                $skipped.append($('<li/>').attr('data-picking', skip.picking).text(
                    _.str.sprintf(_t("Delivery %s is not printed: %s"), skip.picking,
                        skip.reason)));
            });
            this.$el.empty().append($head, $skipped, $table);
            self.$summary = $('<p class="o_waybill_summary"/>');
            this.$el.append(self.$summary);
        },

        _connect: function () {
            var self = this;
            try {
                this.socket = new WebSocket(this.data.component_url);
            } catch (err) {
                this._componentDown();
                return;
            }
            this.socket.onopen = function () {
                self._send({cmd: 'getPrinters'});
            };
            this.socket.onerror = function () { self._componentDown(); };
            this.socket.onmessage = function (event) {
                self._receive(JSON.parse(event.data));
            };
        },

        _componentDown: function () {
            this.$('.o_waybill_component').removeClass('label-default label-success')
                .addClass('label-danger')
                .text(_t("The print component does not answer: start it on this PC."));
        },

        _send: function (message) {
            this.seq += 1;
            message.requestID = 'odoo-' + Date.now() + '-' + this.seq;
            message.version = '1.0';
            this.socket.send(JSON.stringify(message));
            return message.requestID;
        },

        _receive: function (message) {
            if (message.cmd === 'getPrinters') {
                this._showPrinters(message);
            } else if (message.cmd === 'print' && message.status !== 'success') {
                this._finish(message.taskID || this.taskOf[message.requestID], 'failed',
                    message.msg);
            } else if (message.cmd === 'notifyPrintResult') {
                var self = this;
                _.each(message.printStatus || [], function (doc) {
                    self._finish(message.taskID, doc.status, doc.msg);
                });
            }
        },

        _showPrinters: function (message) {
            var chosen = this.data.printer || message.defaultPrinter;
            var $select = this.$('.o_waybill_printer').empty();
            _.each(message.printers || [], function (printer) {
                $select.append($('<option/>').val(printer.name).text(printer.name)
                    .prop('selected', printer.name === chosen));
            });
            $select.prop('disabled', false);
            this.$('.o_waybill_component').removeClass('label-default label-danger')
                .addClass('label-success').text(_t("Print component ready"));
            this.$('.o_waybill_print_all').prop('disabled', !this.data.documents.length);
        },

        _printWhere: function (filter) {
            var docs = _.filter(this.data.documents, filter || function () { return true; });
            this.printer = this.$('.o_waybill_printer').val();
            this.results = [];
            this.taskOf = {};
            this.$('button.o_waybill_print_all, button.o_waybill_print_failed')
                .prop('disabled', true);
            this.queue = docs.slice();
            this._next();
        },

        /** One document a task, the next one once the component answered. */
        _next: function () {
            var doc = this.queue.shift();
            if (!doc) {
                this._record();
                return;
            }
            this.current = doc;
            this.taskID = 'task-' + doc.picking + '-' + Date.now();
            var requestID = this._send({cmd: 'print', task: {
                taskID: this.taskID, preview: false, printer: this.printer,
                firstDocumentNumber: 1, totalDocumentCount: 1,
                documents: [{documentID: doc.documentID, contents: doc.contents}],
            }});
            this.taskOf[requestID] = this.taskID;
            this._mark(doc.picking, 'printing', '');
        },

        _finish: function (taskID, status, msg) {
            if (!this.current || taskID !== this.taskID) {
                return;
            }
            var doc = this.current;
            this.current = null;
            var done = status === 'printed' ? 'printed' : 'failed';
            this._mark(doc.picking, done, msg);
            this.results.push({picking: doc.picking, status: done, msg: msg || ''});
            this._next();
        },

        _mark: function (pickingId, status, msg) {
            var labels = {printing: _t("Printing…"), printed: _t("Printed"), failed: _t("Failed")};
            this.status[pickingId] = status;
            this.$('tr[data-picking="' + pickingId + '"]')
                .removeClass('o_waybill_printing o_waybill_printed o_waybill_failed danger success')
                .addClass('o_waybill_' + status)
                .addClass(status === 'failed' ? 'danger' : status === 'printed' ? 'success' : '')
                .find('.o_waybill_status')
                .text(labels[status] + (msg ? ' — ' + msg : ''));
        },

        _record: function () {
            var self = this;
            return this._rpc({
                model: 'stock.picking',
                method: 'ecommerce_print_result',
                args: [this.pickingIds, this.results, this.printer],
            }).then(function (answer) {
                self.$summary.text(_.str.sprintf(_t("Printed: %s, failed: %s."),
                    answer.printed.length, answer.failed.length));
                self.$el.addClass('o_waybill_done');
                self.$('.o_waybill_print_all').prop('disabled', false);
                self.$('.o_waybill_print_failed').prop('disabled', !answer.failed.length);
            });
        },
    });

    core.action_registry.add('ecommerce_waybill_print', WaybillPrint);
    return WaybillPrint;
});
