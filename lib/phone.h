/*
 * phone: Validata's phone-number-value rule, evaluated with Google's
 * libphonenumber (Debian libphonenumber-dev), the library Validata's
 * python-phonenumbers ports: a value is valid when it parses with region FR
 * and is a valid number or a valid short number (115, 3949), or parses
 * without a region (it starts with +) and is a valid number.
 * A small C interface over the C++ library; no state is kept.
 */
#ifndef MUNI_PHONE_H
#define MUNI_PHONE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

int phone_valid(const char *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif
