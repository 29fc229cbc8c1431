// The benchmark points (see seed42.h): mulberry32 seeded with 42.
export function seed42Points(n) {
  let a = 42;
  const next = () => {
    a = (a + 0x6D2B79F5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const lon = new Float64Array(n), lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u0 = next() / 4294967296, u1 = next() / 4294967296;
    lon[i] = 7.65 + (7.90 - 7.65) * u0;
    lat[i] = 49.35 + (49.52 - 49.35) * u1;
  }
  return { lon, lat };
}
