// Dates with fixed UTC timestamps only (no local time zone, no "now").
const d = new Date(Date.UTC(2024, 0, 15, 13, 45, 30, 123));
console.log(d.toISOString(), d.getTime(), d.valueOf() === d.getTime(), JSON.stringify({ d }));
console.log(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCDay(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
console.log(new Date(0).toISOString(), new Date(-1).toISOString(), new Date(8.64e15).toISOString());
console.log(Date.UTC(2024, 1, 29), Date.UTC(1970, 0, 1), Date.UTC(2000, 12, 1) === Date.UTC(2001, 0, 1));
const leap = new Date(Date.UTC(2024, 1, 28));
leap.setUTCDate(leap.getUTCDate() + 1);
console.log(leap.toISOString().slice(0, 10));
leap.setUTCDate(leap.getUTCDate() + 1);
console.log(leap.toISOString().slice(0, 10));
const a = Date.UTC(2024, 0, 1);
const b = Date.UTC(2024, 11, 25, 12);
console.log((b - a) / 86400000, Math.floor((b - a) / 86400000));
console.log(Date.parse('2024-03-10T08:00:00Z'), Date.parse('2024-03-10T08:00:00.500+02:00'), new Date('2024-03-10T00:00:00Z').getUTCDay());
console.log(new Date('2024-01-15').toISOString(), Date.parse('not a date'), String(new Date(NaN)), isNaN(new Date('x')));
try { new Date(NaN).toISOString(); } catch (e) { console.log(e.name); }
const m = new Date(Date.UTC(2023, 0, 31));
m.setUTCMonth(1);
console.log(m.toISOString().slice(0, 10), new Date(Date.UTC(2024, 0, 1)).toUTCString());
const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
console.log([0, 1, 2, 3].map((i) => days[new Date(Date.UTC(2024, 6, 1 + i)).getUTCDay()]).join(','));
console.log(new Date(Date.UTC(99, 0)).getUTCFullYear(), new Date(Date.UTC(2024, 0, 1, 25)).toISOString(), new Date(1e12).toISOString());
const sorted = [Date.UTC(2024, 5, 1), Date.UTC(2023, 11, 31), Date.UTC(2024, 0, 1)].map((t) => new Date(t)).sort((x, y) => x - y);
console.log(sorted.map((x) => x.toISOString().slice(0, 10)).join(' '), new Date(Date.UTC(2024, 0, 1)) < new Date(Date.UTC(2024, 0, 2)));
