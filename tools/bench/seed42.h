/*
 * seed42.h — the benchmark points every geopart benchmark uses: mulberry32
 * seeded with 42, u = next()/2^32, point i at
 *   lon = 7.65 + (7.90 − 7.65)·u(2i),  lat = 49.35 + (49.52 − 49.35)·u(2i+1),
 * computed in doubles exactly in this form, so the JavaScript peers
 * (seed42.mjs) see the very same coordinates.
 */
#ifndef GP_BENCH_SEED42_H
#define GP_BENCH_SEED42_H

#include <stddef.h>
#include <stdint.h>

typedef struct seed42 {
	uint32_t state;
} seed42;

static inline uint32_t seed42_next(seed42 *r)
{
	uint32_t t = r->state += 0x6D2B79F5u;

	t = (t ^ (t >> 15)) * (t | 1u);
	t ^= t + (t ^ (t >> 7)) * (t | 61u);
	return t ^ (t >> 14);
}

/* The next point of the sequence r (start with seed42 r = { 42 }). */
static inline void seed42_point(seed42 *r, double *lon, double *lat)
{
	double u0 = seed42_next(r) / 4294967296.0;
	double u1 = seed42_next(r) / 4294967296.0;

	*lon = 7.65 + (7.90 - 7.65) * u0;
	*lat = 49.35 + (49.52 - 49.35) * u1;
}

/* Fills lon[i], lat[i] for i < n. */
static inline void seed42_points(double *lon, double *lat, size_t n)
{
	seed42 r = { 42 };

	for (size_t i = 0; i < n; i++)
		seed42_point(&r, &lon[i], &lat[i]);
}

#endif
