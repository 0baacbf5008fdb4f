/*
 * For the Wine tests only, never shipped: Debian's Wine 8.0 has no
 * ProcessPrng in bcryptprimitives.dll, which the Go runtime (1.24+)
 * takes its random bytes from on Windows 10 and later. This stand-in
 * gives them from BCryptGenRandom, which Wine has.
 */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
