/*
 * banned.h: functions muni's code must not call, because a safer one does
 * the same job (snprintf, buf_add*, strtoull with checks). Included before
 * every source file of the project by the build.
 */
#ifndef MUNI_BANNED_H
#define MUNI_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_muni

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)
#undef atoi
#define atoi(x) BANNED(atoi)

#endif
