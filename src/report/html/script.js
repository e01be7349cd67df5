// The report's filters: outcome, level, section and tag. The same choices live in the URL's
// fragment (#outcome=fail,warn&level=MUST&section=RFC7644%20%C2%A73.4&tag=users), read on load
// and whenever it changes, and written back when a control changes. Without this script the
// page lists every case and the controls stay hidden.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var cases = Array.prototype.slice.call(document.querySelectorAll("article.case"));
  var shown = document.getElementById("shown");
  var boxes = function (name) {
    return Array.prototype.slice.call(form.querySelectorAll("input[name='" + name + "']"));
  };
  var chosen = function (name) {
    return boxes(name).filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
  };

  function apply() {
    var outcomes = chosen("outcome"), levels = chosen("level");
    var section = form.elements.section.value, tag = form.elements.tag.value, n = 0;
    cases.forEach(function (c) {
      var s = c.getAttribute("data-section");
      var tags = " " + c.getAttribute("data-tags") + " ";
      var visible = outcomes.indexOf(c.getAttribute("data-outcome")) >= 0 &&
        levels.indexOf(c.getAttribute("data-level")) >= 0 &&
        (!section || s === section || s.indexOf(section + ".") === 0) &&
        (!tag || tags.indexOf(" " + tag + " ") >= 0);
      c.hidden = !visible;
      if (visible) { n += 1; }
    });
    shown.textContent = n + " of " + cases.length + " cases shown";
    shown.setAttribute("data-shown", String(n));
  }

  function readFragment() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var i = pair.indexOf("=");
      if (i > 0) {
        try { params[pair.slice(0, i)] = decodeURIComponent(pair.slice(i + 1)); } catch (e) { /* ignored */ }
      }
    });
    ["outcome", "level"].forEach(function (name) {
      var all = boxes(name);
      var wanted = name in params ? params[name].split(",") : all.map(function (b) { return b.value; });
      all.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    });
    ["section", "tag"].forEach(function (name) {
      var select = form.elements[name], value = params[name] || "";
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      select.value = known ? value : "";
    });
  }

  function writeFragment() {
    var parts = [];
    ["outcome", "level"].forEach(function (name) {
      if (chosen(name).length !== boxes(name).length) {
        parts.push(name + "=" + encodeURIComponent(chosen(name).join(",")));
      }
    });
    ["section", "tag"].forEach(function (name) {
      if (form.elements[name].value) {
        parts.push(name + "=" + encodeURIComponent(form.elements[name].value));
      }
    });
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }

  form.addEventListener("change", function () { apply(); writeFragment(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  window.addEventListener("hashchange", function () {
    if (/^#case-/.test(location.hash)) { return; }
    readFragment();
    apply();
  });
  form.hidden = false;
  if (!/^#case-/.test(location.hash)) { readFragment(); }
  apply();
}());
