// The benchmark points as Features with the properties geopart serves for a
// point; bench-clusters and bench-load fill their points the same way
// (bench_point.h).
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
      created: '2026-11-01T12:00:00.000Z',
      updated: '2026-11-01T12:00:00.000Z',
      supporters: 0,
      ortsbezirk_id: 'ob-0',
      ortsbezirk_name: 'Innenstadt',
      stadtteil_id: 'st-2',
      stadtteil_name: 'Innenstadt-Südwest',
      channel: 'online',
    },
  };
}
