import * as a from '../warehouse/demo/addresses.js';

const cpu = () => process.cpuUsage().user / 1000;
let t = cpu();
const b = new Uint8Array(64).fill(200);
for (let i = 0; i < 40000; i++) a.base58Encode(b);
console.log('40k sol sigs cpu ms', cpu() - t);
t = cpu();
for (let i = 0; i < 100000; i++) a.eip55Checksum('5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
console.log('100k eip55 cpu ms', cpu() - t);
console.log(a.eip55Checksum('5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'), a.toHex(a.keccak256('')));
const bytes = new TextEncoder().encode('5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
t = cpu();
for (let i = 0; i < 100000; i++) a.keccak256(bytes);
console.log('100k keccak cpu ms', cpu() - t);
