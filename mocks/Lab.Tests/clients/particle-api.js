// Drives the lab's Particle API with particle-api-js; prints one JSON line per step.
// usage: node particle-api.js '<{"baseUrl","auth","deviceId",...}>' <list|call|subscribe-then-call|publish>
'use strict';
const Particle = require('particle-api-js');

const cfg = JSON.parse(process.argv[2]);
const command = process.argv[3];
const auth = cfg.auth;
const deviceId = cfg.deviceId;
const particle = new Particle({ baseUrl: cfg.baseUrl, auth });
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const failure = (step, e) => ({ step, error: e.message, statusCode: e.statusCode, body: e.body });

async function main() {
  switch (command) {
    case 'list': {
      const list = await particle.listDevices({ auth });
      out({ step: 'listDevices', statusCode: list.statusCode, body: list.body });
      const one = await particle.getDevice({ deviceId, auth });
      out({ step: 'getDevice', statusCode: one.statusCode, body: one.body });
      break;
    }
    case 'call': {
      for (const argument of cfg.arguments) {
        try {
          const r = await particle.callFunction({ deviceId, name: 'blynk_led', argument, auth });
          out({ step: 'callFunction', argument, statusCode: r.statusCode, body: r.body });
        } catch (e) {
          out({ ...failure('callFunction', e), argument });
        }
      }
      break;
    }
    case 'subscribe-then-call': {
      const stream = await particle.getEventStream({ deviceId, name: 'blynk', auth });
      out({ step: 'subscribed' });
      const done = new Promise((resolve) => {
        stream.on('event', (event) => { out({ step: 'event', event }); resolve(); });
        setTimeout(() => { out({ step: 'timeout' }); resolve(); }, cfg.timeoutMs || 15000);
      });
      const r = await particle.callFunction({ deviceId, name: 'blynk_led', argument: cfg.argument || 'on', auth });
      out({ step: 'callFunction', statusCode: r.statusCode, body: r.body });
      await done;
      stream.abort();
      break;
    }
    case 'publish': {
      const r = await particle.publishEvent({ name: cfg.name, data: cfg.data, isPrivate: true, auth });
      out({ step: 'publishEvent', statusCode: r.statusCode, body: r.body });
      break;
    }
    default:
      throw new Error('unknown command ' + command);
  }
}

main().then(() => process.exit(0), (e) => { out(failure('error', e)); process.exit(1); });
