/* osip_known.h — placeholder */
#ifndef OSIP_KNOWN_H
#define OSIP_KNOWN_H
static const struct od_expect known[] = {
    {"x", "x", "x", "x", "placeholder"},
};
#endif
