'use strict';
// Drives Node's asterisk-manager (npm, 0.2.0) through one AMI session and prints, as one JSON
// line, what the library handed to its callbacks. Usage: node ami_flow.js PORT USER SECRET
// Run by tests/integration/test_other_language_clients.py against the fake AMI server.
const AsteriskManager = require('asterisk-manager');

const [port, user, secret] = process.argv.slice(2);
// The last argument asks for events; the library logs in as soon as it connects.
const ami = new AsteriskManager(Number(port), '127.0.0.1', user, secret, true);
const out = {events: []};
// Never hang a test run: report what was seen so far after 10 s.
const timer = setTimeout(() => { out.timeout = true; finish(); }, 10000);

function finish() {
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(out) + '\n');
  ami.disconnect();
  process.exit(0);
}

// The library calls back with (error, response): an error response comes as the first.
function act(action) {
  return new Promise((resolve) => {
    ami.action(action, (err, res) => resolve(err ? {error: err} : res));
  });
}

function nextEvent(name) {
  return new Promise((resolve) => ami.once(name, resolve));
}

ami.on('managerevent', (evt) => out.events.push(evt.event));
ami.on('error', (err) => { out.error = String(err); finish(); });

(async () => {
  out.ping = await act({action: 'ping'});
  out.command = await act({action: 'command', command: 'core show version'});
  out.setvar = await act({action: 'setvar', variable: 'NODE', value: 'js'});
  out.getvar = await act({action: 'getvar', variable: 'NODE'});
  const originated = nextEvent('originateresponse');
  out.originate = await act({action: 'originate', channel: 'Local/s@longcall',
                             application: 'Wait', data: '120', callerid: '"Node" <558>',
                             async: 'true'});
  out.originateresponse = await originated;
  const listed = nextEvent('coreshowchannelscomplete');
  const items = [];
  const onItem = (evt) => items.push(evt);
  ami.on('coreshowchannel', onItem);
  out.coreshowchannels = await act({action: 'coreshowchannels'});
  out.listcomplete = await listed;
  ami.removeListener('coreshowchannel', onItem);
  out.listitems = items;
  const userEvent = nextEvent('userevent-nodetest');
  out.userevent = await act({action: 'userevent', userevent: 'NodeTest', header1: 'x'});
  out.usereventevent = await userEvent;
  out.unknown = await act({action: 'nosuchaction'});
  out.logoff = await act({action: 'logoff'});
  finish();
})();
