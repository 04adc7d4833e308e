/*
 * phone: Validata's phone-number-value rule, evaluated with Google's
 * libphonenumber (Debian libphonenumber-dev), the library Validata's
 * python-phonenumbers ports: a value is valid when it parses with region FR
 * and is a valid number or a valid short number (115, 3949), or parses
 * without a region (it starts with +) and is a valid number.
 * A small C interface over the C++ library; no state is kept but the
 * library's own, built on first use: phone_init() builds it, before
 * threads call the others.
 */
#ifndef MUNI_PHONE_H
#define MUNI_PHONE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void phone_init(void);
int phone_valid(const char *p, size_t n);
/*
 * Whether a phone number candidate found in free text is a phone number:
 * digits is "+" and the international digits (any country), or national
 * digits read in region FR (metropolitan and overseas). strict: a number
 * libphonenumber knows as allocated (IsValidNumber), for ten bare digits
 * that nothing else says are a phone; else a number of a possible length
 * for its country (IsPossibleNumber), for what is written as a phone is
 * (a number unallocated today is still someone's typo or tomorrow's line).
 * Short numbers (115, 3949) are not persons' and do not count.
 */
int phone_is_number(const char *digits, int strict);

#ifdef __cplusplus
}
#endif

#endif
