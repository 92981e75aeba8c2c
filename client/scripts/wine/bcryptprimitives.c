/*
 * bcryptprimitives.dll for Wine 8 (Debian 12), used by make test-windows only.
 *
 * Go programs for Windows (Go 1.22 and later) get their random bytes from
 * ProcessPrng in bcryptprimitives.dll, which every Windows 10 and 11 has but
 * Wine 8 does not: without it the runtime stops at start with "fatal error:
 * bcryptprimitives.dll not found". This stand-in exports ProcessPrng and
 * forwards to RtlGenRandom (advapi32's SystemFunction036), the system random
 * generator Wine does provide. It is installed into the throw-away Wine
 * prefix of the test, never shipped: real Windows uses its own DLL.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
