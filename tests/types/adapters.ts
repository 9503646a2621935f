// adapters.ts — sipreg/jssip and sipreg/sipjs typed against the stacks' own types: what
// jssipConfig and sipjsOptions return spreads into JsSIP's UAConfiguration and SIP.js's
// UserAgentOptions, and the socket is a JsSIP Socket (compiled by adapters-unit.test.mjs).
import * as JsSIP from 'jssip';
import { UserAgent, type UserAgentOptions } from 'sip.js';
import { createRegistration } from 'sipreg';
import { JsSIPSocket, jssipConfig, type JsSIPConfig } from 'sipreg/jssip';
import { SipregTransport, sipjsOptions, type SipregTransportState } from 'sipreg/sipjs';

const reg = await createRegistration({ server: 'wss://edge.example.com', aor: 'sip:alice@example.com' });

const config: JsSIPConfig = jssipConfig(reg, { url: 'wss://edge.example.com' });
const ua = new JsSIP.UA({ ...config, password: 'secret' });
const socket: JsSIP.Socket = new JsSIPSocket(reg);
ua.start();
socket.connect();

const uri = UserAgent.makeURI(reg.aor);
if (uri) {
  const options: UserAgentOptions = { ...sipjsOptions(reg, { connectionTimeout: 5 }), uri };
  const agent = new UserAgent(options);
  void agent.start();
}

const transport = new SipregTransport(reg);
const state: SipregTransportState = transport.state;
transport.stateChange.addListener((s: SipregTransportState) => s === state, { once: true });
void transport.send('x').catch((e: Error) => e.message);

// @ts-expect-error the registration is required
new JsSIPSocket();
// @ts-expect-error connectionTimeout is a number of seconds
sipjsOptions(reg, { connectionTimeout: '5' });
