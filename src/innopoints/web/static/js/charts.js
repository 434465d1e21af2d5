/* InnoPoints charts: every element with data-chart="<id>" is drawn with ECharts (served offline from
   /vendor/echarts.min.js) from the JSON in <script type="application/json" id="<id>">. The JSON is a small
   description made by the server (kind: bar, hbar, funnel, radar, line, pie); this file turns it into
   ECharts options. Charts are (re)drawn on page load and after htmx swaps. */
(function () {
  "use strict";

  var PALETTE = ["#0b4f8a", "#2a9d8f", "#e9a23b", "#c44536", "#6a4c93", "#5c7c99", "#8ab17d"];
  var HIGHLIGHT = "#d9480f";
  var FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

  function read(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return null; }
    try { return JSON.parse(source.textContent); } catch (e) { return null; }
  }

  function number(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    var text = typeof value === "number" ? value.toLocaleString("zh-CN", { maximumFractionDigits: 2 }) : String(value);
    return unit ? text + " " + unit : text;
  }

  function base(spec) {
    return {
      color: PALETTE,
      textStyle: { fontFamily: FONT },
      animationDuration: 400,
      tooltip: { trigger: "axis", confine: true },
      legend: { top: 0, type: "scroll" },
      grid: { left: 12, right: 24, top: 36, bottom: 8, containLabel: true }
    };
  }

  function barOption(spec, horizontal) {
    var option = base(spec);
    var axes = spec.axes || [spec.unit || ""];
    var category = {
      type: "category",
      data: spec.categories,
      name: spec.xname || "", nameLocation: "middle", nameGap: spec.categories.length > 8 ? 48 : 28,
      axisLabel: { interval: 0, hideOverlap: true, rotate: !horizontal && spec.categories.length > 8 ? 35 : 0 }
    };
    var values = axes.map(function (unit, i) {
      return { type: "value", name: unit, position: horizontal ? "bottom" : (i === 0 ? "left" : "right"),
               splitLine: { show: i === 0 } };
    });
    if (spec.mark) {
      values[0].max = function (extent) { return Math.max(spec.mark * 1.05, extent.max); };
    }
    if (horizontal) {
      category.inverse = true;
      category.axisLabel = { width: 150, overflow: "truncate" };
      option.xAxis = values[0];
      option.yAxis = category;
    } else {
      option.xAxis = category;
      option.yAxis = values;
    }
    option.tooltip.valueFormatter = function (v) { return number(v, spec.unit === "%" ? "%" : ""); };
    option.series = spec.series.map(function (s, i) {
      var data = s.data.map(function (v, j) {
        if (spec.highlight !== null && spec.highlight !== undefined && j === spec.highlight && !s.line) {
          return { value: v, itemStyle: { color: HIGHLIGHT } };
        }
        return v;
      });
      var series = {
        name: s.name,
        type: s.line ? "line" : "bar",
        data: data,
        yAxisIndex: horizontal ? undefined : (s.axis || 0),
        barMaxWidth: 36,
        label: { show: horizontal, position: "right", formatter: function (p) { return number(p.value, spec.unit === "%" ? "%" : ""); } }
      };
      if (spec.mark && i === 0) {
        series.markLine = { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#c44536" },
                            label: { formatter: "目标 " + spec.mark + (spec.unit || "") }, data: [horizontal ? { xAxis: spec.mark } : { yAxis: spec.mark }] };
      }
      return series;
    });
    if (spec.series.length < 2) { option.legend.show = false; option.grid.top = 16; }
    return option;
  }

  function funnelOption(spec) {
    var option = base(spec);
    option.tooltip = { trigger: "item", formatter: function (p) { return p.name + "：" + number(p.value, spec.unit); } };
    option.legend.show = false;
    option.series = [{
      type: "funnel", sort: "none", left: "4%", width: "56%", top: 8, bottom: 8, minSize: "8%", gap: 2,
      label: { show: true, position: "right", color: "#1f2933", formatter: function (p) { return p.name + "  " + number(p.value, spec.unit); } },
      labelLine: { show: true, length: 12 },
      data: spec.items
    }];
    return option;
  }

  function radarOption(spec) {
    var option = base(spec);
    option.tooltip = { trigger: "item" };
    option.radar = { indicator: spec.indicators, radius: "62%", center: ["50%", "56%"], axisName: { color: "#1f2933" } };
    option.series = [{ type: "radar", areaStyle: { opacity: 0.12 }, data: spec.series }];
    return option;
  }

  function lineOption(spec) {
    var option = base(spec);
    option.xAxis = { type: "category", data: spec.categories, boundaryGap: false };
    option.yAxis = { type: "value", name: spec.unit || "", scale: true };
    option.tooltip.valueFormatter = function (v) { return number(v, spec.unit); };
    option.series = spec.series.map(function (s) {
      return {
        name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 8,
        label: { show: true, formatter: function (p) { return number(p.value); } },
        lineStyle: s.dashed ? { type: "dashed" } : undefined
      };
    });
    if (spec.series.length < 2) { option.legend.show = false; option.grid.top = 24; }
    return option;
  }

  function pieOption(spec) {
    var option = base(spec);
    option.tooltip = { trigger: "item", formatter: function (p) { return p.name + "：" + number(p.value, spec.unit) + "（" + p.percent + "%）"; } };
    option.legend = { bottom: 0, type: "scroll" };
    option.series = [{ type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"], data: spec.items,
                       label: { formatter: "{b}\n{c}" } }];
    return option;
  }

  var BUILDERS = {
    bar: function (s) { return barOption(s, false); },
    hbar: function (s) { return barOption(s, true); },
    funnel: funnelOption,
    radar: radarOption,
    line: lineOption,
    pie: pieOption
  };

  function draw(el) {
    if (el.getAttribute("data-drawn") === "1") { return; }
    if (typeof window.echarts === "undefined") {
      el.textContent = "图表库未加载（/vendor/echarts.min.js），请查看下方数据表。";
      el.classList.add("chart-missing");
      return;
    }
    var spec = read(el);
    var builder = spec && BUILDERS[spec.kind];
    if (!builder) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(builder(spec));
    el.setAttribute("data-drawn", "1");
  }

  function drawAll(root) {
    var nodes = (root || document).querySelectorAll("[data-chart]");
    for (var i = 0; i < nodes.length; i++) { draw(nodes[i]); }
  }

  function resizeAll() {
    if (typeof window.echarts === "undefined") { return; }
    var nodes = document.querySelectorAll("[data-chart][data-drawn='1']");
    for (var i = 0; i < nodes.length; i++) {
      var chart = window.echarts.getInstanceByDom(nodes[i]);
      if (chart) { chart.resize(); }
    }
  }

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(resizeAll, 150);
  });
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (typeof window.echarts === "undefined") { return; }
    var nodes = event.target.querySelectorAll("[data-chart][data-drawn='1']");
    for (var i = 0; i < nodes.length; i++) {
      var chart = window.echarts.getInstanceByDom(nodes[i]);
      if (chart) { chart.dispose(); }
    }
  });
  document.addEventListener("htmx:afterSettle", function () { drawAll(document); });
  window.InnoCharts = { drawAll: drawAll };
})();
