/* ISC license. */
/* sysdeps.h: the one place where system extensions are switched on.
 * Every .c file includes this first, before any system header. */
#ifndef MW_SYSDEPS_H
#define MW_SYSDEPS_H

/* _DEFAULT_SOURCE adds to POSIX 2008 what Linux needs here: explicit_bzero,
 * getrandom, res_query, initgroups, mkostemp and the inotify/dirent bits. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#if defined(__GNUC__)
#define MW_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define MW_NORETURN	__attribute__((noreturn))
#else
#define MW_PRINTF(f, a)
#define MW_NORETURN
#endif

#endif
