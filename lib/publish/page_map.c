/*
 * page_map.c: the map of a dataset's points on its landing page. The SVG
 * needs no script and no network: the points over the dashed outline of
 * their box, each with its row in a tooltip. With Leaflet beside the page
 * a script shows the same points on an interactive map instead (zoom,
 * a popup with each point's row), over OpenStreetMap's tiles only when
 * the browser says it is online: offline, nothing is asked of anything
 * but the publication.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/html.h"
#include "json/json.h"
#include "publish/extent.h"
#include "publish/leaflet.h"
#include "publish/mappoints.h"
#include "publish/page.h"
#include "base/banned.h"

/*
 * Reads #map-data (box, view, columns, points as [lon, lat, row, outside,
 * cells]); every datum goes into the page as text, never as HTML.
 */
static const char map_js[] =
    "(function(){var d=document.getElementById('map-data'),"
    "el=document.getElementById('lmap');if(!window.L||!d||!el)return;"
    "var m=JSON.parse(d.textContent),svg=document.querySelector('svg.map');"
    "el.hidden=false;if(svg)svg.style.display='none';"
    "var map=L.map(el,{scrollWheelZoom:false}),b=m.box,v=m.view;"
    "L.rectangle([[b[1],b[0]],[b[3],b[2]]],{color:'#3a3a3a',weight:2,"
    "dashArray:'8 6',fill:false,interactive:false}).addTo(map);"
    "function row(p){var t=document.createElement('table'),"
    "c=t.createCaption();c.textContent='Ligne '+p[2]+(p[3]?"
    "' (hors de France)':'');p[4].forEach(function(s,i){var r=t.insertRow(),"
    "h=document.createElement('th');h.scope='row';h.textContent="
    "m.columns[i]||'';r.appendChild(h);r.insertCell().textContent=s;});"
    "return t;}"
    "m.points.forEach(function(p){L.circleMarker([p[1],p[0]],{radius:7,"
    "weight:1,color:'#fff',fillColor:p[3]?'#ce0500':'#000091',"
    "fillOpacity:.85}).bindPopup(function(){return row(p);},{maxWidth:320,"
    "autoPanPaddingTopLeft:[56,12]}).addTo(map);});"
    "map.fitBounds([[v[1],v[0]],[v[3],v[2]]],{maxZoom:17});"
    "function tiles(){L.tileLayer("
    "'https://tile.openstreetmap.org/{z}/{x}/{y}.png',{maxZoom:19,"
    "attribution:'&copy; <a href=\"https://www.openstreetmap.org/copyright"
    "\">les contributeurs d\\u2019OpenStreetMap</a>'}).addTo(map);}"
    "if(navigator.onLine)tiles();else window.addEventListener('online',"
    "tiles,{once:true});})();";

/* Degrees in French, 5 decimals (a metre): "−1,55361". */
static int
degrees(struct buf *out, double v)
{
	char t[32];

	snprintf(t, sizeof(t), "%.5f", v);
	return page_number(out, t);
}

/* The '\037'-ended texts of s (n bytes) as a JSON array. */
static int
json_texts(struct buf *out, const char *s, size_t n)
{
	size_t k = 0, len;
	int rc = buf_addch(out, '[');

	while (k < n) {
		const char *end = memchr(s + k, '\037', n - k);

		len = end ? (size_t)(end - (s + k)) : n - k;
		rc |= buf_addstr(out, k ? "," : "");
		rc |= json_put_str(out, s + k, len);
		k += len + 1;
	}
	return rc | buf_addch(out, ']');
}

/*
 * The data the script reads, in a <script type="application/json">:
 * "<" written \u003c so that no value can end the element.
 */
static int
map_data(struct buf *out, const struct extent *x, const struct mappoints *m,
    const double view[4])
{
	struct buf j;
	size_t i;
	int rc = 0;

	buf_init(&j, (size_t)64 << 20);
	rc |= buf_addf(&j, "{\"box\":[%.7f,%.7f,%.7f,%.7f],"
	    "\"view\":[%.7f,%.7f,%.7f,%.7f],\"columns\":", x->west, x->south,
	    x->east, x->north, view[0], view[1], view[2], view[3]);
	rc |= json_texts(&j, m->header.ptr, m->header.len);
	rc |= buf_addstr(&j, ",\"points\":[");
	for (i = 0; i < m->n; i++) {
		const struct map_point *p = &m->p[i];

		rc |= buf_addf(&j, "%s\n[%.7f,%.7f,%llu,%d,", i ? "," : "",
		    p->lon, p->lat, p->row, p->outside ? 1 : 0);
		rc |= json_texts(&j, p->text, p->len);
		rc |= buf_addch(&j, ']');
	}
	rc |= buf_addstr(&j, "]}");
	rc |= buf_addstr(out, "<script type=\"application/json\" "
	    "id=\"map-data\">");
	for (i = 0; i < j.len && !rc; i++)
		rc |= j.ptr[i] == '<' ? buf_addstr(out, "\\u003c") :
		    buf_addch(out, j.ptr[i]);
	buf_release(&j);
	return rc | buf_addstr(out, "</script>\n");
}

int
page_map(struct buf *out, const struct extent *x, const struct mappoints *m,
    int leaflet)
{
	double w, e, s, n, kx, f, pad, r;
	size_t i, k, shown;
	int rc = 0;

	if (x == NULL || m == NULL || x->points == 0 || m->n == 0)
		return 0;
	/* The box, a little wider; a lone point in a box of its own. */
	pad = (x->east - x->west > x->north - x->south ? x->east - x->west :
	    x->north - x->south) * 0.05;
	if (pad < 0.001)
		pad = 0.001;
	w = x->west - pad;
	e = x->east + pad;
	s = x->south - pad;
	n = x->north + pad;
	/* Equirectangular, shrunk by the cosine of the middle latitude. */
	kx = cos((s + n) / 2 * M_PI / 180);
	if (kx < 0.05)
		kx = 0.05;
	f = 1000 / ((e - w) * kx);
	if ((n - s) * f > 1000)
		f = 1000 / (n - s);
	r = 9;
	rc |= buf_addstr(out, "<h2 id=\"map\">Carte</h2>\n<figure class=\"map\">"
	    "\n");
	if (leaflet)
		rc |= buf_addstr(out, "<div id=\"lmap\" class=\"lmap\" "
		    "role=\"region\" aria-label=\"Carte interactive des "
		    "points\" hidden></div>\n");
	rc |= buf_addf(out, "<svg class=\"map\" viewBox=\"0 0 %.1f %.1f\" "
	    "role=\"img\" aria-labelledby=\"map-cap\">\n<rect class=\"box\" "
	    "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
	    (e - w) * kx * f, (n - s) * f, (x->west - w) * kx * f,
	    (n - x->north) * f, (x->east - x->west) * kx * f,
	    (x->north - x->south) * f);
	for (i = 0; i < m->n; i++) {
		const struct map_point *p = &m->p[i];

		rc |= buf_addf(out, "<circle%s cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"%.1f\" data-row=\"%llu\"><title>Ligne %llu : ",
		    p->outside ? " class=\"out\"" : "", (p->lon - w) * kx * f,
		    (n - p->lat) * f, r, p->row, p->row);
		/* The first cells of the row. */
		for (k = 0, shown = 0; k < p->len && shown < 3; shown++) {
			const char *c = p->text + k;
			const char *end = memchr(c, '\037', p->len - k);
			size_t len = end ? (size_t)(end - c) : p->len - k;

			rc |= buf_addstr(out, shown ? ", " : "");
			rc |= html_textn(out, c, len);
			k += len + 1;
		}
		rc |= buf_addstr(out, p->outside ? " (hors de France)" : "");
		rc |= buf_addstr(out, "</title></circle>\n");
	}
	rc |= buf_addstr(out, "</svg>\n<figcaption id=\"map-cap\">");
	rc |= buf_addf(out, "<span data-points=\"%llu\">", x->points);
	rc |= page_count(out, x->points);
	rc |= buf_addstr(out, x->points > 1 ? "</span> points" :
	    "</span> point");
	if (m->n < m->seen) {
		rc |= buf_addstr(out, " (la carte en montre ");
		rc |= page_count(out, m->n);
		rc |= buf_addstr(out, ", tirés au hasard)");
	}
	rc |= buf_addf(out, ", dont <span%s data-outside=\"%llu\">",
	    m->outside ? " class=\"out\"" : "", m->outside);
	rc |= page_count(out, m->outside);
	rc |= buf_addstr(out, " hors de France</span>, dans le rectangle des "
	    "longitudes ");
	rc |= degrees(out, x->west);
	rc |= buf_addstr(out, " à ");
	rc |= degrees(out, x->east);
	rc |= buf_addstr(out, " et des latitudes ");
	rc |= degrees(out, x->south);
	rc |= buf_addstr(out, " à ");
	rc |= degrees(out, x->north);
	rc |= buf_addstr(out, " (WGS 84).</figcaption>\n</figure>\n");
	if (leaflet) {
		const double view[4] = { w, s, e, n };

		rc |= map_data(out, x, m, view);
		rc |= buf_addf(out, "<link rel=\"stylesheet\" href=\"%s\">\n"
		    "<script src=\"%s\"></script>\n<script>%s</script>\n",
		    LEAFLET_CSS, LEAFLET_JS, map_js);
	}
	return rc;
}
