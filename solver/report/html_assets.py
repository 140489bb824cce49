"""The report's style and script, inlined into the page (no file, font or library is fetched).

The script adds a filter box above every ``table.data`` (rows whose text holds what is typed stay) and
sorts a table by a column when its header is clicked (or Enter on it): numbers by the value in their
cell's ``data-v``, text in natural order; a second click reverses.
"""

CSS = """
:root{--ink:#1b1f24;--muted:#5b6470;--line:#d7dbe0;--bg:#fff;--accent:#1f4e8c}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP",sans-serif;
color:var(--ink);background:var(--bg)}
header{padding:18px 28px 8px;border-bottom:1px solid var(--line);background:#f6f8fa}
h1{font-size:22px;margin:0 0 8px}
nav a{margin-right:14px;color:var(--accent);text-decoration:none;font-size:14px}
main{padding:8px 28px 40px;max-width:1180px}
h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid var(--accent);padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}
.recommendation{font-size:17px;background:#eef4fb;border-left:4px solid var(--accent);padding:10px 14px}
.figures{display:grid;grid-template-columns:max-content auto;gap:2px 18px;margin:8px 0}
.figures dt{color:var(--muted)} .figures dd{margin:0;font-variant-numeric:tabular-nums}
.note{color:var(--muted);font-size:13px} .warning{background:#fff4e5;padding:6px 10px;border-left:4px solid #e69500}
figure.chart{margin:10px 0 16px;max-width:900px} figure.chart svg{width:100%;height:auto}
figcaption{color:var(--muted);font-size:13px}
.chart-svg text{font-size:12px;fill:#333} .chart-svg .chart-title{font-size:15px;font-weight:600;fill:#111}
.chart-svg .axis-label{font-size:12.5px;fill:#222} .chart-svg .tick{font-size:11px;fill:#555}
.chart-svg .note{font-size:11px;fill:#555}
.chart-svg .mark-label{font-size:10.5px;paint-order:stroke;stroke:#fff;stroke-width:3px}
.chart-svg .grid{stroke:#e3e6ea} .chart-svg .axis-line{stroke:#888}
.chart-svg .line{stroke-width:2} .chart-svg .legend-title{font-weight:600}
.table-wrap{max-height:460px;overflow:auto;border:1px solid var(--line);margin:6px 0 14px}
table.data{border-collapse:collapse;font-size:13px;width:100%}
table.data caption{text-align:left;color:var(--muted);padding:4px}
table.data th{position:sticky;top:0;background:#eef1f4;text-align:left;padding:5px 8px;cursor:pointer;
white-space:nowrap;border-bottom:1px solid var(--line)}
table.data th[aria-sort=ascending]::after{content:" \\25B2"}
table.data th[aria-sort=descending]::after{content:" \\25BC"}
table.data td{padding:3px 8px;border-bottom:1px solid #eef0f2}
td.num{text-align:right;font-variant-numeric:tabular-nums}
table.data tfoot td{font-weight:600;border-top:1px solid var(--line)}
input.filter{margin:4px 0;padding:4px 8px;width:280px;border:1px solid var(--line);border-radius:4px;font:inherit}
code{font-size:12.5px;background:#f3f4f6;padding:1px 4px;border-radius:3px;word-break:break-all}
ul.limits li{margin:3px 0}
@media print{nav,input.filter{display:none}.table-wrap{max-height:none;overflow:visible}}
"""

JS = """
(function(){
  function key(td){var v=td.getAttribute('data-v');return (v!==null&&v!=='')?parseFloat(v):td.textContent.trim();}
  function compare(a,b){
    if(typeof a==='number'&&typeof b==='number'){return a-b;}
    return String(a).localeCompare(String(b),undefined,{numeric:true,sensitivity:'base'});
  }
  function sortBy(table,i,th){
    var asc=th.getAttribute('aria-sort')!=='ascending';
    var heads=table.tHead.rows[0].cells;
    for(var k=0;k<heads.length;k++){heads[k].removeAttribute('aria-sort');}
    th.setAttribute('aria-sort',asc?'ascending':'descending');
    var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(r,s){var c=compare(key(r.cells[i]),key(s.cells[i]));return asc?c:-c;});
    rows.forEach(function(r){body.appendChild(r);});
  }
  function filter(table,text){
    var q=text.toLowerCase();var rows=table.tBodies[0].rows;
    for(var k=0;k<rows.length;k++){rows[k].style.display=rows[k].textContent.toLowerCase().indexOf(q)>=0?'':'none';}
  }
  var tables=document.querySelectorAll('table.data');
  Array.prototype.forEach.call(tables,function(table){
    var box=document.createElement('input');
    box.type='search';box.className='filter';box.placeholder='Filter rows';
    box.setAttribute('aria-label','Filter the rows of this table');
    var wrap=table.parentNode;wrap.parentNode.insertBefore(box,wrap);
    box.addEventListener('input',function(){filter(table,box.value);});
    var heads=table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads,function(th,i){
      th.tabIndex=0;th.title='Sort by this column';
      th.addEventListener('click',function(){sortBy(table,i,th);});
      th.addEventListener('keydown',function(e){if(e.key==='Enter'){sortBy(table,i,th);}});
    });
  });
})();
"""
