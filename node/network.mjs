// network.mjs — notice that this host's network changed (an address came or went: a new Wi-Fi,
// a VPN, a DHCP renewal, a cable) and tell a registration (or a pool) so that it re-registers at
// once on a fresh flow instead of waiting out its back-off.
import os from 'node:os';

/**
 * Poll the local addresses every `intervalMs` (default 5000 ms: a change is acted on within about
 * 5 s; one poll costs well under a millisecond) and call `target.wake({ network: true })` when the
 * set of non-internal addresses changes. The timer is unref()'d: it never keeps the process alive.
 * @param {{ wake(options: {network: boolean}): void }} target a Registration or RegistrationPool
 * @param {{ intervalMs?: number, interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]> }} [options]
 *   interfaces: where addresses are read (default os.networkInterfaces; tests pass their own)
 * @returns {() => void} stops watching
 */
export function watchNetwork(target, { intervalMs = 5000, interfaces = os.networkInterfaces } = {}) {
  const addresses = () =>
    Object.values(interfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a.address)
      .sort()
      .join(' ');
  let last = addresses();
  const timer = setInterval(() => {
    const now = addresses();
    if (now === last) return;
    last = now;
    target.wake({ network: true });
  }, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
