/* Application forms (motcua.eforms): show/hide conditional fields, narrow communes to the
   chosen province, add rows to repeated groups. Convenience only: the server decides. */
(function () {
  "use strict";

  function valueOf(root, name) {
    var els = root.querySelectorAll('[name$="-' + name + '"], [name$="-' + name + '__commune"]');
    var values = [];
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
      values.push(el.value);
    }
    if (!els.length) return null;
    if (els[0].type === "checkbox") return values;
    return values.length ? values[0] : "";
  }

  function filled(v) { return v !== null && v !== "" && !(Array.isArray(v) && !v.length); }

  function holds(c, root) {
    if (c.all) return c.all.every(function (p) { return holds(p, root); });
    if (c.any) return c.any.some(function (p) { return holds(p, root); });
    var v = valueOf(root, c.field), want = c.value;
    if (c.op === "filled") return filled(v);
    if (c.op === "empty") return !filled(v);
    var list = Array.isArray(want) ? want.map(String) : [String(want)];
    if (Array.isArray(v)) {
      var hit = v.some(function (x) { return list.indexOf(x) >= 0; });
      return (c.op === "eq" || c.op === "in") ? hit : (c.op === "ne" || c.op === "not_in") ? !hit : false;
    }
    if (c.op === "in") return filled(v) && list.indexOf(v) >= 0;
    if (c.op === "not_in") return !(filled(v) && list.indexOf(v) >= 0);
    if (!filled(v)) return c.op === "ne";
    var a = v, b = want;
    if (typeof want === "number") { a = parseFloat(v); b = want; }
    switch (c.op) {
      case "eq": return String(a) === String(b);
      case "ne": return String(a) !== String(b);
      case "lt": return a < b;
      case "le": return a <= b;
      case "gt": return a > b;
      case "ge": return a >= b;
    }
    return false;
  }

  function refresh(form) {
    var items = form.querySelectorAll("[data-visible-if]");
    for (var i = 0; i < items.length; i++) {
      var cond;
      try { cond = JSON.parse(items[i].getAttribute("data-visible-if")); } catch (e) { continue; }
      var row = items[i].closest(".eform-row") || form;
      items[i].hidden = !holds(cond, row.classList.contains("eform-row") ? row : form);
    }
    var communes = form.querySelectorAll('select[name$="__commune"]');
    for (var j = 0; j < communes.length; j++) {
      var sel = communes[j];
      var prov = form.querySelector('[name="' + sel.name.replace(/__commune$/, "__province") + '"]');
      var code = prov ? prov.value : "";
      for (var k = 0; k < sel.options.length; k++) {
        var o = sel.options[k], p = o.getAttribute("data-province");
        o.hidden = !!(p && code && p !== code);
      }
    }
  }

  function addRow(group) {
    var prefix = group.getAttribute("data-group");
    var total = group.querySelector('[name="' + prefix + '-TOTAL_FORMS"]');
    var max = parseInt(group.getAttribute("data-max"), 10);
    var n = parseInt(total.value, 10);
    if (n >= max) return;
    var tpl = group.querySelector("template.eform-empty");
    var html = tpl.innerHTML.replace(/__prefix__/g, String(n));
    group.querySelector(".eform-rows").insertAdjacentHTML("beforeend", html);
    total.value = String(n + 1);
  }

  function init(form) {
    form.addEventListener("change", function () { refresh(form); });
    form.addEventListener("input", function () { refresh(form); });
    form.addEventListener("click", function (ev) {
      var btn = ev.target.closest(".eform-add");
      if (btn) { addRow(btn.closest(".eform-group")); refresh(form); }
    });
    refresh(form);
  }

  function scan() {
    var forms = document.querySelectorAll("[data-eform]:not([data-eform-ready])");
    for (var i = 0; i < forms.length; i++) {
      forms[i].setAttribute("data-eform-ready", "1");
      init(forms[i]);
    }
  }

  if (window.motcuaEforms) { window.motcuaEforms.scan(); return; }  // loaded again by a swap
  window.motcuaEforms = { scan: scan };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  document.addEventListener("htmx:afterSettle", scan);  // the admin's live preview
})();
