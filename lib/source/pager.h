/*
 * pager: the records of a paged JSON API, every page fetched (with
 * http_download()'s retries, backoff and Retry-After) and their records
 * gathered into one JSON document that jsonrec reads as a single answer
 * would be read: an array of the records, or a GeoJSON FeatureCollection
 * of the features when the pages are GeoJSON. A page that fails fails the
 * whole; nothing is kept of a partial result.
 *
 * In a page, the records are the array at PAGER's records path (keys from
 * the root, separated by '.' or '/'), else the root when it is an array,
 * else the first member of the root object whose value is an array, but
 * "links" (GeoJSON: "features").
 *
 * The next page is, in this order of precedence:
 *   - PAGER_NEXT: the string at the next path of the page (absent, null or
 *     "" on the last page), a URL resolved against the page's;
 *   - PAGER_PAGE: the page number in a query parameter, from its value in
 *     the URL (else 1) up by one, until a page has no record;
 *   - PAGER_OFFSET: an offset in a query parameter, from its value in the
 *     URL (else 0) up by the records received, with limit records asked
 *     in a limit parameter, until a page has fewer than limit records;
 *   - PAGER_LINKS: OGC API - Features' "links" member (the object whose
 *     rel is "next"), else an RFC 8288 Link header with rel="next";
 *   - PAGER_ARCGIS: an ArcGIS REST FeatureServer or MapServer layer (the
 *     URL of the layer, or of its /query): the layer's description gives
 *     its maxRecordCount and its date fields; its query is asked as GeoJSON
 *     (where=1=1 and outFields=* unless the URL says otherwise) by
 *     resultOffset and resultRecordCount while a page says
 *     exceededTransferLimit; dates, milliseconds since 1970, are written
 *     as ISO 8601 (UTC);
 *   - PAGER_WFS: an OGC WFS 2.0 GetFeature request (the URL's SERVICE=WFS
 *     and REQUEST=GetFeature, its TYPENAMES and any filter): the server's
 *     capabilities name its GeoJSON output format (the first of
 *     GetFeature's outputFormat values that holds "json"), else its GML
 *     3.2 (a value that holds "gml" and "3.2", else "gml"; GML is asked
 *     too when a CRS is, with SRSNAME), asked unless the URL names one;
 *     pages of COUNT features (the URL's, else limit, else 1000) by
 *     STARTINDEX, until a page is short or numberMatched features came.
 *     GML pages are read by gml, into GeoJSON's features.
 * A next URL already fetched is a loop, refused; so is a page past
 * max_pages. When the first page says how many records match
 * (numberMatched, OGC; the count path), the records received from the
 * first offset must be as many.
 */
#ifndef MUNI_PAGER_H
#define MUNI_PAGER_H

#include "base/err.h"
#include "net/http.h"

#define PAGER_MAX_PAGES 10000
/* Bytes of a header file (--header-file). */
#define PAGER_MAX_HEADERS 16384

enum pager_kind { PAGER_NONE, PAGER_LINKS, PAGER_NEXT, PAGER_PAGE,
    PAGER_OFFSET, PAGER_ARCGIS, PAGER_WFS };

struct pager_options {
	enum pager_kind kind;
	const char *records;	/* path of the records in a page, or NULL */
	const char *next;	/* PAGER_NEXT: path of the next URL */
	const char *param;	/* PAGER_PAGE, PAGER_OFFSET: the parameter */
	const char *limit_param;	/* PAGER_OFFSET: "limit" by default */
	unsigned long limit;	/* PAGER_OFFSET: records asked per page */
	unsigned long max_pages;	/* 0: PAGER_MAX_PAGES */
	const char *drop;	/* a member of the records not kept, or NULL */
	/*
	 * The path of the number of records that match, in a page (CKAN's
	 * result.total), checked as numberMatched is; NULL: none.
	 */
	const char *count;
	/*
	 * CKAN's datastore_search: a resource the datastore does not hold
	 * (its first page answered HTTP 404, or 400 when the datastore is
	 * off) is read from its file, the url that resource_show gives.
	 */
	int ckan;
	/*
	 * Only the features in this box, "minlon,minlat,maxlon,maxlat" in
	 * WGS 84 (OGC API's bbox, WFS's BBOX in CRS84, ArcGIS's envelope),
	 * or NULL.
	 */
	const char *bbox;
	/*
	 * WFS: the CRS asked of the server ("EPSG:NNNN", SRSNAME; its GML is
	 * then read), or NULL; GML's coordinates reprojected to WGS 84.
	 */
	const char *crs;
	int to_wgs84;
	muni_note_fn *warn;	/* a column that first appears past page 1 */
	void *warn_ctx;
	/*
	 * After each page: the pages and records so far, numberMatched (or
	 * -1); done at the end of a run that succeeded. NULL: none.
	 */
	void (*progress)(void *ctx, unsigned long pages,
	    unsigned long long records, long long matched, int done);
	void *progress_ctx;
};

struct pager_result {
	unsigned long pages;
	unsigned long long records;
	long long matched;	/* numberMatched of the first page, or -1 */
	int geojson;
	int gml;		/* the pages were GML */
	char crs[32];		/* GML: the CRS its srsName said, or "" */
	int projected;		/* GML: coordinates easting and northing */
	/* CKAN: the resource's file, read instead of its datastore, or "". */
	char resource[2048];
};

/*
 * Fetch url's pages and write their records, as one JSON document, to fd
 * (a regular file, written from its start); or, res->resource set, a
 * CKAN resource's file as it is (o->ckan). ho applies to every page; its
 * etag and last_modified to the first only, whose http_result goes to
 * first (code 304: nothing written, 0 returned). 0, or -1 with e set.
 */
int pager_fetch(const char *url, const struct pager_options *o,
    const struct http_get_options *ho, int fd, struct http_result *first,
    struct pager_result *res, struct muni_err *e);

/*
 * A box of --bbox: four numbers, longitudes and latitudes in WGS 84, min
 * before max, written again in out; -1 when they are not.
 */
#define PAGER_BBOX_MAX 160
int pager_parse_bbox(const char *s, char out[PAGER_BBOX_MAX]);
/* Whether url's path ends in /collections/{id}/items (OGC API). */
int pager_is_ogc_items(const char *url);
/* Whether url is a WFS GetFeature request (SERVICE=WFS, REQUEST=GetFeature). */
int pager_is_wfs(const char *url);
/* Whether url is an ArcGIS REST layer, or its query: .../FeatureServer/N. */
int pager_is_arcgis(const char *url);
/*
 * What url's API is, when its path says so: CKAN's datastore_search
 * (.../api/3/action/datastore_search) is set in o as PAGER_OFFSET by
 * offset and limit (1000 a page), its records result.records, CKAN's
 * own _id dropped, result.total the count (unless the page says
 * result.total_was_estimated), its file read when the datastore does not
 * hold it (ckan); an Opendatasoft dataset's records (Explore API v2.1,
 * .../catalog/datasets/ID/records) become its JSON export, which holds
 * them all (a malloc'd URL in *rewritten). 1 when recognised, else 0;
 * -1 when out of memory.
 */
int pager_recognise(const char *url, struct pager_options *o,
    char **rewritten);

/*
 * One page (the file page) alone: its records written to out_fd, each
 * followed by a newline and all but the first preceded by a comma, their
 * number in *records, the next URL the page gives (PAGER_NEXT, PAGER_LINKS)
 * in *next (malloc'd, or NULL); with PAGER_ARCGIS, a field "date" is a
 * date field. 0, or -1 with e set. For the fuzzer.
 */
int pager_scan(const struct pager_options *o, int page, int out_fd,
    unsigned long long *records, char **next, struct muni_err *e);

/*
 * The headers of file ("Name: value" a line, blank lines and lines from
 * '#' skipped), for requests that need a token: the file must be readable
 * by its owner alone (mode 0600 or stricter). A malloc'd array of *n
 * strings, in one block with them (free() it), or NULL with e set.
 */
char **pager_read_headers(const char *file, size_t *n, struct muni_err *e);

#endif
