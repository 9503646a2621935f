/* date.c — the SIP Date header (RFC 3261 §20.17, §25.1 rfc1123-date) to seconds since the epoch,
 * with calendar arithmetic of our own (no libc time functions). */
#include "internal.h"

/* Three-letter names, in the order of their numbers (Sunday = 0, January = 0). */
static const char WKDAYS[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char MONTHS[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Days before the first of each month in a common year. */
static const int MONTH_START[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

/* 1 for a Gregorian leap year. */
static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days from 0000-01-01 to the first of January of year y >= 0 (year 0 is a leap year): 365 per
 * year plus one per leap year before y. */
static int64_t days_before_year(int64_t y) {
    return 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
}

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (y 0..9999, m 0..11, d 1..31). */
static int64_t days_from_civil(int64_t y, int m, int d) {
    const int64_t doy = MONTH_START[m] + (m > 1 && is_leap(y)) + d - 1;
    return days_before_year(y) + doy - days_before_year(1970);
}

/* Value of n decimal digits at p, or -1 when one is not a digit. */
static int digits(const char *p, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* Index of the 3-letter name at p in `names` (case-sensitive, §20.17), or -1. */
static int name_index(const char *p, const char (*names)[4], int count) {
    for (int i = 0; i < count; i++)
        if (memcmp(p, names[i], 3) == 0) return i;
    return -1;
}

int sipreg_parse_date(struct sipreg_str v, int64_t *epoch) {
    /* rfc1123-date = wkday "," SP date1 SP time SP "GMT"; date1 = 2DIGIT SP month SP 4DIGIT;
     * time = 2DIGIT ":" 2DIGIT ":" 2DIGIT, 00:00:00 - 23:59:59 (§25.1). Only "GMT" (§20.17;
     * "EST", "UT", "UTC" are invalid: RFC 4475 §3.1.2.12). */
    const struct sipreg_str s = sipreg__trim(v);
    const char *p = s.p;
    if (s.len != 29 || p[3] != ',' || p[4] != ' ' || p[7] != ' ' || p[11] != ' ' || p[16] != ' ' ||
        p[19] != ':' || p[22] != ':' || p[25] != ' ' || memcmp(p + 26, "GMT", 3))
        return SIPREG_E_HEADER_VALUE;
    const int wday = name_index(p, WKDAYS, 7), mon = name_index(p + 8, MONTHS, 12);
    const int day = digits(p + 5, 2), year = digits(p + 12, 4);
    const int hh = digits(p + 17, 2), mm = digits(p + 20, 2), ss = digits(p + 23, 2);
    if (wday < 0 || mon < 0 || day < 1 || year < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
        ss < 0 || ss > 59)
        return SIPREG_E_HEADER_VALUE;
    const int mdays =
        mon == 1 ? 28 + is_leap(year) : 31 - (mon == 3 || mon == 5 || mon == 8 || mon == 10);
    if (day > mdays) return SIPREG_E_HEADER_VALUE;
    const int64_t days = days_from_civil(year, mon, day);
    /* the day name must be the one of the date: 1970-01-01 was a Thursday (4) */
    if (((days % 7 + 7 + 4) % 7) != wday) return SIPREG_E_HEADER_VALUE;
    if (epoch) *epoch = days * 86400 + hh * 3600 + mm * 60 + ss;
    return 0;
}
