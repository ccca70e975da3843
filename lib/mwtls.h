/* ISC license. */
/* mwtls.h: STARTTLS for struct bio, server and client side (OpenSSL).
 *
 * mwtls_start_* runs the handshake on the descriptors of in and out
 * (they may differ: a UCSPI server reads fd 0 and writes fd 1), then
 * switches both bios to the TLS session.  Any buffered input in `in` is
 * discarded first: commands pipelined before the handshake are never
 * executed after it. */
#ifndef MW_MWTLS_H
#define MW_MWTLS_H

#include <openssl/ssl.h>
#include "bio.h"
#include "sa.h"

/* NULL on failure, with a reason in err. */
SSL_CTX	*mwtls_server_ctx(const char *, const char *, struct sa *);
SSL_CTX	*mwtls_client_ctx(struct sa *);
/* 0 on success; -1 with a reason in err (the connection is unusable). */
int	 mwtls_start_server(SSL_CTX *, struct bio *, struct bio *, struct sa *);
int	 mwtls_start_client(SSL_CTX *, struct bio *, struct bio *,
	    const char *, struct sa *);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384" for Received: and logs, or NULL. */
const char *mwtls_describe(const struct bio *, char *, size_t);
void	 mwtls_end(struct bio *, struct bio *);

#endif
