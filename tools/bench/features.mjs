// The benchmark points as Features with the properties geopart serves for a
// point; bench-clusters and bench-load fill their points the same way
// (bench_point.h).
const EPOCH = Date.UTC(2026, 9, 1); // 2026-10-01T00:00:00Z
const TOPICS = [null, 'housing', 'mobility', 'green_space', 'climate', 'retail', 'culture', 'social'];

export function benchFeature(i, lon, lat) {
  return {
    type: 'Feature',
    id: i + 1,
    geometry: { type: 'Point', coordinates: [lon, lat] },
    properties: {
      category: i % 3 === 0 ? 'improvement' : 'favourite',
      comment: `Benchmark point ${i}`,
      topic: TOPICS[i % 8],
      status: 'published',
      created: new Date(EPOCH + i * 5000).toISOString(),
      updated: new Date(EPOCH + i * 5000).toISOString(),
      supporters: 0,
      ortsbezirk_id: 'ob-0',
      ortsbezirk_name: 'Innenstadt',
      stadtteil_id: 'st-2',
      stadtteil_name: 'Innenstadt-Südwest',
      channel: i % 50 === 0 ? 'walk' : i % 50 === 25 ? 'workshop' : 'online',
    },
  };
}
