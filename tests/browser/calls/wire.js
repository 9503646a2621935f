// wire.js — injected before any page script (page.addInitScript): every WebSocket the page opens
// records what it sends and receives, with the time (ms since the epoch, sub-ms resolution), in
// window.__wire = [{ at, dir: 'out' | 'in', text }]. JsSIP, SIP.js and sipreg all use the page's
// WebSocket, so this is the same view of the wire for each of them.
(() => {
  const Native = window.WebSocket;
  const now = () => performance.timeOrigin + performance.now();
  /** @type {{ at: number, dir: string, text: string }[]} */
  const wire = [];
  window.__wire = wire;
  class LoggedWebSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      // registered before the library's own handler: the time is the arrival's
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string') wire.push({ at: now(), dir: 'in', text: e.data });
      });
    }

    send(data) {
      if (typeof data === 'string') wire.push({ at: now(), dir: 'out', text: data });
      return super.send(data);
    }
  }
  window.WebSocket = LoggedWebSocket;
})();
