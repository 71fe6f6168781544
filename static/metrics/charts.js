// Draws the metrics charts with the vendored Chart.js. Every series differs by more than
// colour: lines by dash and point shape, bars by a fill pattern, and every chart has its
// data as a table next to it.
(function () {
  "use strict";
  var COLOURS = ["#1f5f99", "#b35806", "#2d7d46", "#6b3fa0"];
  var DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3]];
  var POINTS = ["circle", "triangle", "rect", "rectRot"];

  function pattern(index, colour) {
    var size = 10;
    var canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 2;
    if (index === 0) {
      ctx.fillRect(0, 0, size, size); // solid
    } else if (index === 1) {
      ctx.beginPath(); ctx.moveTo(0, size); ctx.lineTo(size, 0); ctx.stroke(); // diagonal
    } else if (index === 2) {
      ctx.beginPath(); ctx.arc(size / 2, size / 2, 2, 0, 2 * Math.PI); ctx.fill(); // dots
    } else {
      ctx.beginPath(); ctx.moveTo(0, size / 2); ctx.lineTo(size, size / 2);
      ctx.moveTo(size / 2, 0); ctx.lineTo(size / 2, size); ctx.stroke(); // grid
    }
    return canvas.getContext("2d").createPattern(canvas, "repeat");
  }

  function draw(canvas) {
    var data = JSON.parse(document.getElementById(canvas.dataset.source).textContent);
    var kind = canvas.dataset.kind;
    var datasets = data.series.map(function (s, i) {
      var colour = COLOURS[i % COLOURS.length];
      var set = { label: s.label, data: s.data, borderColor: colour, borderWidth: 2 };
      if (kind === "bar") {
        set.backgroundColor = pattern(i % 4, colour);
      } else {
        set.backgroundColor = colour;
        set.borderDash = DASHES[i % DASHES.length];
        set.pointStyle = POINTS[i % POINTS.length];
        set.pointRadius = 4;
        set.spanGaps = true;
      }
      return set;
    });
    var yMax = canvas.dataset.unit === "%" ? 100 : undefined;
    new window.Chart(canvas, {
      type: kind,
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { labels: { usePointStyle: kind !== "bar", boxWidth: 28 } },
          tooltip: {
            callbacks: {
              label: function (item) {
                var unit = canvas.dataset.unit || "";
                return item.dataset.label + ": " + item.formattedValue + unit;
              },
            },
          },
        },
        scales: {
          y: { beginAtZero: true, max: yMax, title: { display: true, text: canvas.dataset.yTitle } },
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) return; // the tables below each chart carry the same figures
    document.querySelectorAll("canvas[data-source]").forEach(draw);
  });
})();
