/*
 * banned.h - libc calls that loa does not use. Include it last in every .c
 * file (after the system headers): a use of a banned function then fails to
 * compile with a message naming the safe replacement.
 *
 *   strcpy, strcat, strncpy, strncat -> loa_buf, memcpy with a checked length
 *   sprintf, vsprintf                -> snprintf / loa_buf_printf
 *   strtok, strtok_r                 -> loa_str slices
 *   atoi, atol, atoll, atof          -> loa_parse_i64 / strtod with checks
 *   gmtime, localtime, ctime, asctime-> the _r variants (core/ltime.h)
 *   gets                             -> fgets / getline
 */
#ifndef LOA_CORE_BANNED_H
#define LOA_CORE_BANNED_H

#define LOA_BANNED(f) sorry_##f##_is_banned_in_loa

#undef strcpy
#define strcpy(a, b) LOA_BANNED(strcpy)
#undef strcat
#define strcat(a, b) LOA_BANNED(strcat)
#undef strncpy
#define strncpy(a, b, n) LOA_BANNED(strncpy)
#undef strncat
#define strncat(a, b, n) LOA_BANNED(strncat)
#undef sprintf
#define sprintf(...) LOA_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) LOA_BANNED(vsprintf)
#undef strtok
#define strtok(a, b) LOA_BANNED(strtok)
#undef strtok_r
#define strtok_r(a, b, c) LOA_BANNED(strtok_r)
#undef atoi
#define atoi(a) LOA_BANNED(atoi)
#undef atol
#define atol(a) LOA_BANNED(atol)
#undef atoll
#define atoll(a) LOA_BANNED(atoll)
#undef atof
#define atof(a) LOA_BANNED(atof)
#undef gmtime
#define gmtime(t) LOA_BANNED(gmtime)
#undef localtime
#define localtime(t) LOA_BANNED(localtime)
#undef ctime
#define ctime(t) LOA_BANNED(ctime)
#undef asctime
#define asctime(t) LOA_BANNED(asctime)
#undef gets
#define gets(a) LOA_BANNED(gets)

#endif
