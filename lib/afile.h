/* ISC license. */
/* afile.h: files and directories written atomically, with an owner.
 *
 * afile_write() writes FN.tmp (created O_EXCL after removing a stale
 * one), sets owner and mode, fsyncs, closes and renames it onto FN, so a
 * reader sees the old file or the new one, never a part.  afile_mkdir()
 * creates a directory if missing (a symlink or non-directory there is
 * ENOTDIR) and sets its owner and mode every time.  An owner of
 * (uid_t)-1 / (gid_t)-1 is left as it is.  All return 0 or -1 with
 * errno set. */
#ifndef MW_AFILE_H
#define MW_AFILE_H

#include <stddef.h>
#include <sys/types.h>

#define AFILE_KEEP	((uid_t)-1)

int	afile_write(const char *, const char *, size_t, unsigned int, uid_t,
	    gid_t);
int	afile_mkdir(const char *, unsigned int, uid_t, gid_t);
/* Create the missing parents of fn, mode 0755 (mkdir -p of dirname). */
int	afile_mkparents(const char *);

#endif
