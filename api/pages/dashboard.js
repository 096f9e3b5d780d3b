// The leadership dashboard: renders the aggregates the server embedded in the page
// (<script type="application/json" id="dashboard-data">, the same JSON as the metrics routes)
// as tiles, Chart.js charts and tables. No framework, no inline script, no other origin.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const definitions = {};
  for (const d of data.definitions.definitions) definitions[d.id] = d;

  // ---- formatting
  function integer(n) { return n === null || n === undefined ? "—" : Number(n).toLocaleString("en-US"); }
  function days(n) { return n === null || n === undefined ? "—" : String(Math.round(n * 10) / 10); }
  function rate(r) { return r === null || r === undefined ? "—" : (r * 100).toFixed(1) + "%"; }
  function ratio(r) { return r === null || r === undefined ? "—" : (Math.round(r * 10) / 10).toFixed(1); }
  function cell(c) { return typeof c === "number" ? integer(c) : String(c); }
  const formats = {
    conviction_rate: rate,
    median_days_to_disposition: days,
    p90_days_to_disposition: days,
    caseload_per_dda: ratio,
  };

  function describe(id) {
    const d = definitions[id];
    if (!d) return "";
    return d.title + " (v" + d.version + "): " + d.formula + "\nNot counted: " + d.exclusions;
  }

  // ---- header
  const asOf = document.getElementById("as-of");
  asOf.textContent = new Date(data.as_of).toLocaleString("en-US", { timeZone: "America/Los_Angeles", timeZoneName: "short" });
  asOf.setAttribute("datetime", data.as_of);
  asOf.title = data.as_of;
  document.getElementById("definitions-version").textContent = String(data.definitions.definitions_version);
  const unit = data.by_quarter.period.unit;
  document.getElementById("scope").textContent = unit ? "unit " + unit : "all units";

  // ---- tiles
  const totals = data.by_quarter;
  for (const el of document.querySelectorAll("#headline-title ~ .tiles .tile")) {
    const id = el.dataset.metric;
    const value = totals[id];
    const target = el.querySelector(".value");
    target.textContent = (formats[id] || integer)(value);
    target.dataset.value = value === null ? "null" : String(value);
  }
  const victims = data.victims;
  for (const id of ["victims_served", "minors", "safety_net_youths_reviewed"]) {
    const target = document.getElementById("tile-" + id);
    target.textContent = cell(victims[id]);
    target.dataset.value = String(victims[id]);
  }

  // ---- tables
  const columns = [
    ["charged", integer], ["pending", integer], ["concluded", integer], ["convicted", integer],
    ["acquitted", integer], ["dismissed", integer], ["conviction_rate", rate],
    ["median_days_to_disposition", days], ["caseload_per_dda", ratio],
  ];
  function fillTable(id, report, keyTitle) {
    const table = document.getElementById(id);
    const head = table.createTHead().insertRow();
    const first = document.createElement("th");
    first.textContent = keyTitle;
    head.appendChild(first);
    for (const [metric] of columns) {
      const th = document.createElement("th");
      th.textContent = definitions[metric] ? definitions[metric].title : metric;
      th.dataset.metric = metric;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const g of report.groups) {
      const row = body.insertRow();
      row.insertCell().textContent = g.label;
      for (const [metric, format] of columns) row.insertCell().textContent = format(g[metric]);
    }
    if (report.groups.length === 0) {
      const row = body.insertRow();
      const c = row.insertCell();
      c.colSpan = columns.length + 1;
      c.textContent = "No prosecutions.";
    }
  }
  fillTable("table-quarter", data.by_quarter, "Quarter");
  fillTable("table-unit", data.by_unit, "Unit");
  fillTable("table-dda", data.by_dda, "Lead DDA");
  fillTable("table-statute", data.by_statute_category, "Statute category");

  function victimTable(title, metric, items, total) {
    const table = document.createElement("table");
    table.dataset.metric = metric;
    table.createCaption().textContent = title;
    const head = table.createTHead().insertRow();
    for (const h of ["Category", "Count"]) {
      const th = document.createElement("th");
      th.textContent = h;
      th.dataset.metric = metric;
      head.appendChild(th);
    }
    const body = table.createTBody();
    const rows = items.slice();
    if (total !== undefined) rows.push({ category: "total", count: total });
    for (const item of rows) {
      const row = body.insertRow();
      row.insertCell().textContent = item.category.replace(/_/g, " ");
      const c = row.insertCell();
      c.textContent = cell(item.count);
      if (typeof item.count !== "number") c.className = "hidden-cell";
    }
    document.getElementById("victim-tables").appendChild(table);
  }
  victimTable("By gender", "victims_by_gender", victims.by_gender);
  victimTable("By race/ethnicity", "victims_by_race_ethnicity", victims.by_race_ethnicity);
  victimTable("By residence", "victims_by_residence", victims.by_residence);
  victimTable("By minor status", "minors", victims.by_minor_status);
  victimTable("Service-plan outcomes", "service_plan_outcomes", victims.service_plan_outcomes.items,
              victims.service_plan_outcomes.total);
  victimTable("Re-victimization (victims with a concluded prosecution)", "revictimization",
              victims.revictimization.items, victims.revictimization.total);

  // Definitions on hover.
  for (const el of document.querySelectorAll("[data-metric]")) {
    const text = describe(el.dataset.metric);
    if (text) el.title = text;
  }

  // ---- charts
  if (typeof window.Chart !== "function") {
    for (const c of document.querySelectorAll("canvas")) c.replaceWith(document.createTextNode("Charts unavailable (Chart.js not installed)."));
    return;
  }
  const Chart = window.Chart;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  const colours = { pending: "#8fb3d9", convicted: "#1f5f99", acquitted: "#e0a458", dismissed: "#b8b8b8",
                    declined: "#d9d9d9", charged: "#4c8c4a", median: "#1f5f99", p90: "#c0504d", rate: "#2b2b2b" };
  const labels = (report) => report.groups.map((g) => g.label);
  const series = (report, metric) => report.groups.map((g) => g[metric]);
  const bar = (report, metric, title) => ({ label: title, data: series(report, metric), backgroundColor: colours[metric] });

  const q = data.by_quarter;
  new Chart(document.getElementById("chart-quarter"), {
    type: "bar",
    data: {
      labels: labels(q),
      datasets: [
        bar(q, "pending", "Pending"), bar(q, "convicted", "Convicted"), bar(q, "acquitted", "Acquitted"),
        bar(q, "dismissed", "Dismissed"),
        { type: "line", label: "Conviction rate", data: series(q, "conviction_rate"), yAxisID: "rate",
          borderColor: colours.rate, backgroundColor: colours.rate, spanGaps: true },
      ],
    },
    options: {
      scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: "prosecutions" } },
                rate: { position: "right", min: 0, max: 1, grid: { drawOnChartArea: false },
                        ticks: { callback: (v) => Math.round(v * 100) + "%" } } },
    },
  });
  new Chart(document.getElementById("chart-days"), {
    type: "line",
    data: {
      labels: labels(q),
      datasets: [
        { label: "Median", data: series(q, "median_days_to_disposition"), borderColor: colours.median, spanGaps: true },
        { label: "90th percentile", data: series(q, "p90_days_to_disposition"), borderColor: colours.p90, spanGaps: true },
      ],
    },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: "days" } } } },
  });
  const u = data.by_unit;
  new Chart(document.getElementById("chart-unit"), {
    type: "bar",
    data: { labels: labels(u), datasets: [bar(u, "charged", "Charged"), bar(u, "pending", "Pending"), bar(u, "convicted", "Convicted")] },
  });
  const d = data.by_dda;
  new Chart(document.getElementById("chart-dda"), {
    type: "bar",
    data: { labels: labels(d), datasets: [bar(d, "pending", "Pending (caseload)"), bar(d, "convicted", "Convicted"), bar(d, "dismissed", "Dismissed")] },
  });
  const s = data.by_statute_category;
  new Chart(document.getElementById("chart-statute"), {
    type: "bar",
    data: { labels: labels(s), datasets: [bar(s, "charged", "Charged"), bar(s, "convicted", "Convicted")] },
    options: { indexAxis: "y" },
  });
  document.body.dataset.chartsReady = "true";
})();
