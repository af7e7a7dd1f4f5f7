# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Item import (商品/SKU matching): platform items -> products and SKU mappings.

One importer serves one run of one shop: ``_for_shop(shop)`` gives it the shop,
the shop's platform adapter and the run's summary. The platform is reached only
through the adapter (``list_items``, ``count_skus``, ``item_plans``), whose plans
have the shape of mapping.item_mapping.build_plan whatever the platform.
"""
import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..adapters import PlatformError
from ..mapping.item_mapping import ItemError

_logger = logging.getLogger(__name__)

# Imports create thousands of products: chatter messages and followers on each
# would cost more than the products themselves and tell the seller nothing.
QUIET = {"tracking_disable": True, "mail_create_nolog": True,
         "mail_create_nosubscribe": True, "mail_notrack": True}


def new_result():
    return {"templates_created": 0, "variants_created": 0, "updated": 0, "linked": 0,
            "deactivated": [], "warnings": [], "errors": []}


class ItemImportCache(object):
    """What one batch of items needs from the database, looked up at once.

    Items of the batch are imported one after the other in savepoints; a
    failed item restores the snapshot so that no cached record points to
    rows its savepoint rolled back.
    """

    KEYS = ("attributes", "values", "products", "mappings", "templates")

    def __init__(self, shop, plans):
        env = shop.env
        self.env = env
        num_iids = [p["num_iid"] for p in plans]
        self.mappings = self._load_mappings(shop, num_iids)
        templates = env["product.template"].with_context(active_test=False).search(
            [("ecommerce_num_iid", "in", num_iids)])
        self.templates = {t.ecommerce_num_iid: t for t in templates}
        codes = list({v["code"] for p in plans for v in p["variants"]})
        self.products = {}
        for product in env["product.product"].search([("default_code", "in", codes)]):
            self.products.setdefault(product.default_code, []).append(product.id)
        self._load_attributes(plans)

    def _load_mappings(self, shop, num_iids):
        mappings = self.env["ecommerce.sku.mapping"].with_context(active_test=False).search(
            [("shop_id", "=", shop.id), ("num_iid", "in", num_iids)])
        return {(m.num_iid, m.sku_id or ""): m for m in mappings}

    def _load_attributes(self, plans):
        names = {a for p in plans for a, _values in p["attributes"]}
        value_names = {v for p in plans for _a, values in p["attributes"] for v in values}
        attributes = self.env["product.attribute"].search(
            [("name", "in", list(names)), ("create_variant", "=", True)], order="id")
        self.attributes = {}
        for attribute in attributes:
            self.attributes.setdefault(attribute.name, attribute)
        values = self.env["product.attribute.value"].search(
            [("attribute_id", "in", attributes.ids), ("name", "in", list(value_names))])
        self.values = {(v.attribute_id.id, v.name): v for v in values}

    def snapshot(self):
        return {key: dict(getattr(self, key)) for key in self.KEYS}

    def restore(self, snapshot):
        for key, value in snapshot.items():
            setattr(self, key, value)

    def attribute(self, name):
        if name not in self.attributes:
            self.attributes[name] = self.env["product.attribute"].create(
                {"name": name, "create_variant": True})
        return self.attributes[name]

    def value(self, attribute_name, value_name):
        attribute = self.attribute(attribute_name)
        key = (attribute.id, value_name)
        if key not in self.values:
            self.values[key] = self.env["product.attribute.value"].create(
                {"name": value_name, "attribute_id": attribute.id})
        return self.values[key]

    def product(self, code):
        """The existing product with Internal Reference ``code``, if exactly one."""
        ids = self.products.get(code) or []
        if len(ids) > 1:
            raise ItemError("ambiguous_code",
                            "Several products have the Internal Reference %(merchant_code)s",
                            merchant_code=code)
        return self.env["product.product"].browse(ids)


class EcommerceItemImporter(models.AbstractModel):
    """Search and import the items of one shop.

    Create it with ``_for_shop``; the run's state lives on that recordset, so
    its methods call each other on ``self`` and never on a ``with_context``
    copy of it.
    """

    _name = "ecommerce.item.importer"
    _description = "E-commerce Item Importer"

    @api.model
    def _for_shop(self, shop, adapter=None):
        shop = shop.with_context(**QUIET)
        importer = self.with_env(shop.env).browse()
        importer.shop = shop
        importer.adapter = adapter  # opened on first use
        importer.summary = new_result()
        return importer

    def _adapter(self):
        if self.adapter is None:
            self.adapter = self.shop._get_adapter()
        return self.adapter

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    def search(self, name, modified_from, modified_to):
        """Rows of search_platform_items (see there)."""
        try:
            rows = self._list(name, modified_from, modified_to)
            counts = self._adapter().count_skus([row["num_iid"] for row in rows])
        except PlatformError as err:
            raise UserError(self.shop._explain_error(err))
        imported = self._imported_num_iids([row["num_iid"] for row in rows])
        return {"items": [self._prepare_search_row_vals(row, counts, imported)
                          for row in rows]}

    def import_items(self, num_iids, name, modified_from, modified_to):
        """The import of import_platform_items (see there); returns the summary.

        More items than the inline limit go to background jobs instead: Odoo
        creates products at about 40 SKUs a second, so a whole catalogue would
        outlive any HTTP request (and its transaction) by minutes.
        """
        result = self.summary
        if num_iids is None:
            try:
                rows = self._list(name, modified_from, modified_to)
                num_iids = [row["num_iid"] for row in rows]
            except PlatformError as err:
                raise UserError(self.shop._explain_error(err))
        ids = self._normalize_num_iids(num_iids, result)
        if len(ids) > self._inline_limit():
            result["queued"] = len(ids)
            result["jobs"] = self.env["ecommerce.job.planner"]._enqueue_item_imports(self.shop, ids)
            return result
        return self.import_ids(ids)

    def import_ids(self, ids, raise_platform_errors=False):
        """Import the items ``ids`` (normalized) here and now; returns the summary.

        :param raise_platform_errors: let a platform failure through (a job
            retries it) instead of reporting the items not reached as errors.
        """
        result = self.summary
        self._warm_precision_cache()
        done = set()
        try:
            for batch in self._adapter().item_plans(ids):
                self._import_batch(batch)
                done.update(item_id for item_id, _plan, _error in batch)
        except PlatformError as err:
            if raise_platform_errors:
                raise
            # Keep what is imported; the rest can be imported again later.
            reason = self.shop._explain_error(err)
            result["errors"].extend({"num_iid": n, "reason": reason}
                                    for n in ids if n not in done)
        return result

    def _inline_limit(self):
        """Items imported within the request; ir.config_parameter
        ``ecommerce_sync.item_import_inline_limit`` (default 100, about 25 s)."""
        value = self.env["ir.config_parameter"].sudo().get_param(
            "ecommerce_sync.item_import_inline_limit", "100")
        try:
            return max(int(value), 0)
        except ValueError:
            return 100

    def _warm_precision_cache(self):
        """Read the decimal precisions of the records the import creates.

        Odoo 11 reads a missing precision on a cursor of its own; in HTTP test
        mode that cursor is the request's, and closing it drops the open
        per-item savepoints. Reading them before any savepoint avoids it.
        """
        for model in ("product.template", "product.product", "product.attribute.price",
                      "product.attribute.value", "product.price.history"):
            for field in self.env[model]._fields.values():
                if field.type in ("float", "monetary"):
                    getattr(field, "digits", None)

    # ------------------------------------------------------------------
    # Search helpers
    # ------------------------------------------------------------------
    def _list(self, name, modified_from, modified_to):
        return self._adapter().list_items(
            name=(name or "").strip() or None,
            modified_from=self._filter_time(modified_from, _("Modified from")),
            modified_to=self._filter_time(modified_to, _("Modified to")))

    @staticmethod
    def _filter_time(value, label):
        if not value:
            return None
        try:
            return fields.Datetime.from_string(value)
        except (TypeError, ValueError):
            raise UserError(_("%(label)s %(value)r is not a date and time "
                              "YYYY-MM-DD HH:MM:SS (UTC).") % {"label": label, "value": value})

    def _imported_num_iids(self, num_iids):
        groups = self.env["ecommerce.sku.mapping"].read_group(
            [("shop_id", "=", self.shop.id), ("num_iid", "in", num_iids)], ["num_iid"],
            ["num_iid"])
        return {g["num_iid"] for g in groups}

    def _prepare_search_row_vals(self, row, counts, imported):
        num_iid = str(row["num_iid"])
        modified = row.get("modified")
        modified = self._adapter().parse_time(modified) if modified else False
        return {
            "num_iid": num_iid,
            "title": row.get("title") or "",
            "outer_id": row.get("outer_id") or "",
            "sku_count": counts.get(num_iid, 0),
            "modified": fields.Datetime.to_string(modified) if modified else False,
            "imported": num_iid in imported,
        }

    @staticmethod
    def _normalize_num_iids(num_iids, result):
        ids = []
        for value in num_iids or []:
            text = str(value).strip()
            if not text.isdigit():
                result["errors"].append({"num_iid": text, "reason": _(
                    "%(value)r is not a numeric item id.") % {"value": text}})
            elif text not in ids:
                ids.append(text)
        return ids

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    def _import_batch(self, batch):
        """Import the plans of one adapter batch [(item_id, plan, error)]."""
        result = self.summary
        plans = []
        for item_id, plan, error in batch:
            if error is not None:
                result["errors"].append({"num_iid": item_id, "reason": self._item_reason(error)})
            else:
                plans.append(plan)
        cache = ItemImportCache(self.shop, plans)
        for plan in plans:
            snapshot = cache.snapshot()
            try:
                with self.env.cr.savepoint():
                    stats = self._import_item_plan(plan, cache)
            except ItemError as err:
                cache.restore(snapshot)
                reason = self._item_reason(err)
            except (UserError, ValidationError, psycopg2.IntegrityError) as err:
                cache.restore(snapshot)
                reason = getattr(err, "name", None) or str(err)
            except Exception as err:  # noqa: B902 - one item must never stop the others
                _logger.exception("Shop %s: item %s could not be stored", self.shop.id,
                                  plan["num_iid"])
                cache.restore(snapshot)
                reason = _("Unexpected error while storing the item: %(error)s") % {
                    "error": "%s: %s" % (type(err).__name__, err)}
            else:
                self._merge_item_stats(result, stats)
                continue
            _logger.info("Shop %s: item %s not imported: %s", self.shop.id, plan["num_iid"],
                         reason)
            result["errors"].append({"num_iid": plan["num_iid"], "reason": reason})

    @staticmethod
    def _merge_item_stats(result, stats):
        for key in ("templates_created", "variants_created", "linked"):
            result[key] += stats[key]
        result["updated"] += 1 if stats["changed"] else 0
        result["deactivated"].extend(stats["deactivated"])
        result["warnings"].extend(stats["warnings"])

    def _import_item_plan(self, plan, cache):
        stats = {"templates_created": 0, "variants_created": 0, "linked": 0, "changed": False,
                 "deactivated": [], "warnings": []}
        num_iid = plan["num_iid"]
        template = cache.templates.get(num_iid)
        fresh = []
        for variant in plan["variants"]:
            mapping = cache.mappings.get((num_iid, variant["sku_id"]))
            if mapping:
                stats["changed"] |= self._refresh_item_mapping(mapping, plan, variant, template)
            elif cache.product(variant["code"]):
                self._create_item_mapping(plan, variant, cache.product(variant["code"]), cache)
                stats["linked"] += 1
                stats["changed"] |= bool(template)
            else:
                fresh.append(variant)
        if fresh:
            stats["changed"] |= bool(template)
            new_template = not template
            if new_template:
                template = self._create_item_template(plan, cache)
                stats["templates_created"] += 1
            products = self._add_item_variants(template, plan, fresh, cache, new_template)
            for variant, product in zip(fresh, products):
                self._create_item_mapping(plan, variant, product, cache)
            stats["variants_created"] += len(fresh)
        stats["deactivated"] = self._deactivate_gone_skus(plan, cache)
        stats["changed"] |= bool(stats["deactivated"])
        if template:
            # A template made by this very import is not an update.
            updated = self._update_item_template(template, plan, cache, stats)
            stats["changed"] |= updated and not stats["templates_created"]
        return stats

    def _create_item_mapping(self, plan, variant, product, cache):
        mapping = self.env["ecommerce.sku.mapping"].create(
            self.shop._prepare_mapping_vals(plan, variant, product))
        cache.mappings[(plan["num_iid"], variant["sku_id"])] = mapping
        cache.products.setdefault(variant["code"], [product.id])
        return mapping

    def _refresh_item_mapping(self, mapping, plan, variant, template):
        vals = self.shop._prepare_mapping_vals(plan, variant, mapping.product_id)
        changed = {k: v for k, v in vals.items()
                   if k not in ("last_sync_date", "product_id", "shop_id")
                   and (mapping[k] or "") != (v if v is not True else True)}
        owned = template and mapping.product_id.product_tmpl_id == template
        if owned and mapping.product_id.default_code != variant["code"]:
            # The seller renamed the merchant code on the platform: our own
            # variant follows; a linked ERP product is left alone.
            mapping.product_id.default_code = variant["code"]
        mapping.write(dict(changed, last_sync_date=vals["last_sync_date"]))
        return bool(changed)

    def _deactivate_gone_skus(self, plan, cache):
        sold = {v["sku_id"] for v in plan["variants"]}
        gone = [m for (num_iid, sku_id), m in cache.mappings.items()
                if num_iid == plan["num_iid"] and sku_id not in sold and m.active]
        for mapping in gone:
            mapping.active = False
        return [{"num_iid": m.num_iid, "sku_id": m.sku_id or "", "outer_id": m.outer_id or ""}
                for m in gone]

    def _create_item_template(self, plan, cache):
        vals = self.shop._prepare_template_vals(plan)
        if not plan["attributes"]:
            vals["default_code"] = plan["variants"][0]["code"]
        template = self.env["product.template"].create(vals)
        cache.templates[plan["num_iid"]] = template
        return template

    def _add_item_variants(self, template, plan, variants, cache, new_template):
        """One variant per SKU, created directly: regenerating variants through
        the template would create every combination, also those not sold."""
        if not plan["attributes"]:
            if not new_template:
                raise ItemError("attributes_changed", "The item no longer has SKUs")
            return template.product_variant_ids[:1]
        if not new_template and not template.attribute_line_ids:
            raise ItemError("attributes_changed", "The item now has SKUs")
        self._extend_attribute_lines(template, plan, variants, cache)
        # A new template comes with one variant without values: it becomes
        # the first SKU instead of being deleted.
        free = template.product_variant_ids.filtered(lambda p: not p.attribute_value_ids) \
            if new_template else []
        products = []
        for variant in variants:
            vals = {"default_code": variant["code"], "attribute_value_ids": [
                (6, 0, [cache.value(a, v).id for a, v in variant["values"]])]}
            if free:
                free[0].write(vals)
                products.append(free[0])
                free = free[1:]
            else:
                products.append(self.env["product.product"].create(
                    dict(vals, product_tmpl_id=template.id)))
        return products

    def _extend_attribute_lines(self, template, plan, variants, cache):
        names = [name for name, _values in plan["attributes"]]
        current = template.attribute_line_ids
        if current and set(current.mapped("attribute_id.name")) != set(names):
            raise ItemError("attributes_changed",
                            "The SKU properties changed from %(old)s to %(new)s",
                            old=", ".join(current.mapped("attribute_id.name")),
                            new=", ".join(names))
        for name in names:
            attribute = cache.attribute(name)
            value_ids = {cache.value(name, dict(v["values"])[name]).id for v in variants}
            line = current.filtered(lambda row: row.attribute_id == attribute)
            if line:
                line.write({"value_ids": [(4, vid) for vid in value_ids - set(line.value_ids.ids)]})
            else:
                self.env["product.attribute.line"].create({
                    "product_tmpl_id": template.id, "attribute_id": attribute.id,
                    "value_ids": [(6, 0, sorted(value_ids))]})

    def _update_item_template(self, template, plan, cache, stats):
        changed = False
        if template.name != plan["title"]:
            template.name = plan["title"]
            changed = True
        if template.list_price != float(plan["list_price"]):
            template.list_price = float(plan["list_price"])
            changed = True
        changed |= self._apply_price_extras(template, plan, cache)
        if not plan["exact_prices"]:
            stats["warnings"].append({"num_iid": plan["num_iid"], "reason": _(
                "The SKU prices of this item depend on combinations of properties that "
                "Odoo cannot price as a sum of per-value extras: every variant takes the "
                "lowest price %(price)s.") % {"price": plan["list_price"]}})
        return changed

    def _apply_price_extras(self, template, plan, cache):
        line_values = template.attribute_line_ids.mapped("value_ids")
        wanted = {}
        for (name, value_name), extra in plan["extras"].items():
            value = cache.value(name, value_name)
            if value in line_values:
                wanted[value.id] = float(extra)
        Price = self.env["product.attribute.price"]
        changed = False
        for row in Price.search([("product_tmpl_id", "=", template.id)]):
            extra = wanted.pop(row.value_id.id, 0.0)
            if row.price_extra != extra:
                row.price_extra = extra
                changed = True
        for value_id, extra in wanted.items():
            Price.create({"product_tmpl_id": template.id, "value_id": value_id,
                          "price_extra": extra})
            changed = True
        return changed

    def _item_reason(self, err):
        """Seller-facing, translatable wording of an ItemError."""
        texts = {
            "not_found": _("The platform does not return this item (deleted, or not an "
                           "item of this shop)."),
            "missing_id": _("The item has no numeric id."),
            "malformed_properties": _("%(owner)s: malformed SKU properties %(text)r."),
            "inconsistent_properties": _("%(owner)s has the properties %(own)s while the "
                                         "other SKUs have %(other)s."),
            "duplicate_combination": _("%(owner)s repeats the property values %(text)s "
                                       "of another SKU."),
            "duplicate_code": _("SKUs %(first)s and %(second)s share the merchant code "
                                "%(merchant_code)s: give each SKU its own merchant code."),
            "malformed_price": _("%(owner)s: malformed price %(price)r."),
            "malformed_code": _("%(owner)s: the merchant code is longer than %(max)d "
                                "characters."),
            "ambiguous_code": _("Several products have the Internal Reference "
                                "%(merchant_code)s: keep only one, or map the SKU by hand."),
            "attributes_changed": _("The SKU properties of this item changed since its "
                                    "import (%(old)s to %(new)s): create the mapping by hand."),
            "malformed_data": _("Malformed item data: %(error)s"),
            "malformed_time": _("Malformed time %(value)r."),
            "no_sku": _("Ware %(ware)s has no SKU that is not deleted."),
        }
        params = dict({"old": "-", "new": "-"}, **err.params)
        try:
            return texts[err.code] % params
        except (KeyError, TypeError, ValueError):
            return str(err)
