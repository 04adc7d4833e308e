#include <config.h>

#include <csv.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <openssl/crypto.h>
#include <proj.h>
#include <sqlite3.h>
#include <yajl/yajl_version.h>
#include <stdlib.h>
#include <zlib.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "base/version.h"
#include "base/banned.h"

/* libxml2 gives its version as digits: "20914" is 2.9.14. */
static int
atoi_checked(const char *s)
{
	long v = strtol(s, NULL, 10);

	return v > 0 && v < 1000000 ? (int)v : 0;
}

const char *
muni_version(void)
{
	return PACKAGE_VERSION;
}

int
muni_library_versions(struct buf *b)
{
	char pcre[64] = "";
	int y = yajl_version(), x = atoi_checked(xmlParserVersion);
	curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);

	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	if (buf_addf(b, "libcsv %d.%d.%d\n", CSV_MAJOR, CSV_MINOR,
	    CSV_RELEASE) < 0 ||
	    buf_addf(b, "libxml2 %d.%d.%d\n", x / 10000, x / 100 % 100,
	    x % 100) < 0 ||
	    buf_addf(b, "yajl %d.%d.%d\n", y / 10000, y / 100 % 100,
	    y % 100) < 0 ||
	    buf_addf(b, "zlib %s\n", zlibVersion()) < 0 ||
	    buf_addf(b, "sqlite3 %s\n", sqlite3_libversion()) < 0 ||
	    buf_addf(b, "libcurl %s\n", cv->version) < 0 ||
	    buf_addf(b, "%s\n", OpenSSL_version(OPENSSL_VERSION)) < 0 ||
	    buf_addf(b, "pcre2 %s\n", pcre) < 0 ||
	    buf_addf(b, "PROJ %s\n", proj_info().release) < 0)
		return -1;
	return 0;
}
