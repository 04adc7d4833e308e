#include <string>

#include <phonenumbers/phonenumberutil.h>
#include <phonenumbers/shortnumberinfo.h>

#include "schema/phone.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;
using i18n::phonenumbers::ShortNumberInfo;

extern "C" int
phone_is_number(const char *digits, int strict)
{
	const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
	PhoneNumber number;

	try {
		if (util->Parse(std::string(digits), digits[0] == '+' ? "ZZ" :
		    "FR", &number) != PhoneNumberUtil::NO_PARSING_ERROR)
			return 0;
		return strict ? util->IsValidNumber(number) :
		    util->IsPossibleNumber(number);
	} catch (...) {
		return 0;
	}
}

static const ShortNumberInfo *
short_numbers(void)
{
	static const ShortNumberInfo *info = new ShortNumberInfo();

	return info;
}

extern "C" void
phone_init(void)
{
	(void)PhoneNumberUtil::GetInstance();
	(void)short_numbers();
}

extern "C" int
phone_valid(const char *p, size_t n)
{
	const ShortNumberInfo *short_info = short_numbers();
	const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
	const std::string value(p, n);
	PhoneNumber number;

	try {
		if (util->Parse(value, "FR", &number) ==
		    PhoneNumberUtil::NO_PARSING_ERROR &&
		    (util->IsValidNumber(number) ||
		    short_info->IsValidShortNumber(number)))
			return 1;
		number.Clear();
		if (util->Parse(value, "ZZ", &number) ==
		    PhoneNumberUtil::NO_PARSING_ERROR &&
		    util->IsValidNumber(number))
			return 1;
	} catch (...) {
		/* A library failure is a verdict of invalid, never a crash. */
	}
	return 0;
}
