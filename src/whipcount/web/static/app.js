/* whipcount pages: hover tips on the article text, the race timeline, the coalition graph.
   Hand-written, no dependencies, no build step. Data goes into the page only through
   textContent and setAttribute, never as HTML. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var COLORS = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989"];
  var STATUS = {endorsed: "#1a7f37", supports: "#1f6feb", withdrawn: "#d1242f",
                declined: "#9a6700", undecided: "#6e7781", opposes: "#8250df"};

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function text(parent, x, y, value, attrs) {
    var t = el("text", Object.assign({x: x, y: y}, attrs || {}), parent);
    t.textContent = value;
    return t;
  }

  /* -- hover tips: kind and confidence of the facts under the pointer -- */
  function setupTips() {
    var tip = document.getElementById("tip");
    if (!tip) { return; }
    function show(ev) {
      var target = ev.target.closest ? ev.target.closest("[data-tip]") : null;
      if (!target) { return; }
      tip.textContent = target.getAttribute("data-tip");
      tip.hidden = false;
      var r = target.getBoundingClientRect();
      tip.style.left = Math.max(4, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - 320)) + "px";
      tip.style.top = (window.scrollY + r.bottom + 6) + "px";
    }
    function hide(ev) {
      var target = ev.target.closest ? ev.target.closest("[data-tip]") : null;
      if (target) { tip.hidden = true; }
    }
    document.addEventListener("mouseover", show);
    document.addEventListener("focusin", show);
    document.addEventListener("mouseout", hide);
    document.addEventListener("focusout", hide);
  }

  /* -- timeline: net endorsements per candidate, a step line each -- */
  function drawTimeline() {
    var holder = document.getElementById("timeline");
    var source = document.getElementById("timeline-data");
    if (!holder || !source) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.dates.length) { holder.textContent = "No dated endorsements yet."; return; }
    var W = 640, H = 220, L = 36, R = 12, T = 12, B = 28;
    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, role: "img", "class": "timeline-svg"}, holder);
    var t0 = Date.parse(data.dates[0]), t1 = Date.parse(data.dates[data.dates.length - 1]);
    if (!(t1 > t0)) { t0 -= 86400000; t1 += 86400000; }
    var max = 1, min = 0;
    data.series.forEach(function (s) { s.points.forEach(function (p) { max = Math.max(max, p[1]); min = Math.min(min, p[1]); }); });
    function x(d) { return L + (W - L - R) * (Date.parse(d) - t0) / (t1 - t0); }
    function y(v) { return T + (H - T - B) * (1 - (v - min) / (max - min)); }
    el("line", {x1: L, y1: y(0), x2: W - R, y2: y(0), "class": "axis"}, svg);
    el("line", {x1: L, y1: T, x2: L, y2: H - B, "class": "axis"}, svg);
    text(svg, L - 4, y(max) + 4, String(max), {"text-anchor": "end", "class": "tick"});
    text(svg, L - 4, y(0) + 4, "0", {"text-anchor": "end", "class": "tick"});
    text(svg, L, H - 8, data.dates[0], {"class": "tick"});
    text(svg, W - R, H - 8, data.dates[data.dates.length - 1], {"text-anchor": "end", "class": "tick"});
    var legend = document.createElement("ul");
    legend.className = "legend-list";
    data.series.forEach(function (s, i) {
      var color = COLORS[i % COLORS.length], d = "", last = null;
      s.points.forEach(function (p, j) {
        var px = x(p[0]), py = y(p[1]);
        d += (j === 0 ? "M" : " H" + px.toFixed(1) + " V") + (j === 0 ? px.toFixed(1) + " " + py.toFixed(1) : py.toFixed(1));
        if (last === null || p[1] !== last) {
          var dot = el("circle", {cx: px, cy: py, r: 3, fill: color}, svg);
          var title = el("title", {}, dot);
          title.textContent = s.name + ": " + p[1] + " on " + p[0];
        }
        last = p[1];
      });
      el("path", {d: d, fill: "none", stroke: color, "stroke-width": 2}, svg);
      var li = document.createElement("li");
      var sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = color;
      li.appendChild(sw);
      li.appendChild(document.createTextNode(s.name + " (" + (s.points.length ? s.points[s.points.length - 1][1] : 0) + ")"));
      legend.appendChild(li);
    });
    holder.appendChild(legend);
  }

  /* -- coalition graph: endorsers and candidates, laid out by a small force simulation -- */
  function entityHref(kind, id) {
    if (!id) { return null; }
    return (kind === "o" ? "/organizations/" : "/people/") + encodeURIComponent(id);
  }
  function layout(nodes, edges, W, H) {
    var i, j, k, n = nodes.length;
    nodes.forEach(function (node, idx) {
      var a = 2 * Math.PI * idx / Math.max(1, n);
      var r = node.candidate ? 0.15 : 0.4;
      node.x = W / 2 + Math.cos(a) * W * r; node.y = H / 2 + Math.sin(a) * H * r;
    });
    for (k = 0; k < 300; k++) {
      var cool = 1 - k / 300;
      for (i = 0; i < n; i++) {
        var a1 = nodes[i]; a1.dx = (W / 2 - a1.x) * 0.01; a1.dy = (H / 2 - a1.y) * 0.01;
        for (j = 0; j < n; j++) {
          if (i === j) { continue; }
          var b1 = nodes[j], ddx = a1.x - b1.x, ddy = a1.y - b1.y;
          var dist2 = Math.max(25, ddx * ddx + ddy * ddy);
          a1.dx += ddx * 900 / dist2; a1.dy += ddy * 900 / dist2;
        }
      }
      edges.forEach(function (e) {
        var s = e.source, t = e.target, ddx = t.x - s.x, ddy = t.y - s.y;
        var dist = Math.sqrt(ddx * ddx + ddy * ddy) || 1, f = (dist - 90) * 0.02;
        s.dx += ddx / dist * f; s.dy += ddy / dist * f; t.dx -= ddx / dist * f; t.dy -= ddy / dist * f;
      });
      nodes.forEach(function (node) {
        node.x = Math.max(20, Math.min(W - 20, node.x + Math.max(-20, Math.min(20, node.dx)) * cool));
        node.y = Math.max(20, Math.min(H - 20, node.y + Math.max(-20, Math.min(20, node.dy)) * cool));
      });
    }
  }
  function drawGraph() {
    var holder = document.getElementById("graph");
    if (!holder) { return; }
    holder.textContent = "Loading…";
    fetch(holder.getAttribute("data-api"), {headers: {accept: "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        holder.textContent = "";
        var items = data.items || [];
        if (!items.length) { holder.textContent = "No endorsements in this race."; return; }
        var byKey = {}, nodes = [], edges = [];
        function node(name, kind, id, candidate) {
          var key = kind + ":" + (id || name);
          if (!byKey[key]) {
            byKey[key] = {name: name, kind: kind, id: id, candidate: false, degree: 0};
            nodes.push(byKey[key]);
          }
          byKey[key].candidate = byKey[key].candidate || candidate;
          byKey[key].degree += 1;
          return byKey[key];
        }
        items.slice(0, 400).forEach(function (e) {
          var s = node(e.endorser, (e.endorser_id || "p")[0], e.endorser_store_id, false);
          var t = node(e.endorsee, (e.endorsee_id || "p")[0], e.endorsee_store_id, true);
          edges.push({source: s, target: t, status: e.status});
        });
        var W = 760, H = Math.max(360, Math.min(900, nodes.length * 18));
        layout(nodes, edges, W, H);
        var svg = el("svg", {viewBox: "0 0 " + W + " " + H, role: "img", "class": "graph-svg"}, holder);
        edges.forEach(function (e) {
          el("line", {x1: e.source.x, y1: e.source.y, x2: e.target.x, y2: e.target.y,
                      stroke: STATUS[e.status] || "#999", "stroke-width": 1.5,
                      "stroke-dasharray": e.status === "endorsed" || e.status === "supports" ? "" : "4 3",
                      "class": "edge st-" + e.status}, svg);
        });
        nodes.forEach(function (n) {
          var href = entityHref(n.kind, n.id);
          var g = href ? el("a", {href: href}, svg) : el("g", {}, svg);
          g.setAttribute("class", "node" + (n.candidate ? " candidate" : ""));
          el("circle", {cx: n.x, cy: n.y, r: n.candidate ? 9 : 5}, g);
          var label = text(g, n.x + (n.candidate ? 12 : 8), n.y + 4, n.name);
          var title = el("title", {}, g);
          title.textContent = n.name + (n.candidate ? " (candidate)" : "");
          label.setAttribute("class", "label");
        });
      })
      .catch(function () { holder.textContent = "Could not load the endorsements."; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupTips();
    drawTimeline();
    drawGraph();
  });
}());
