package plc

// findPitch returns the lag in [minP, maxP] at which the last win samples
// of x best match the samples lag earlier (normalised cross-correlation).
// A coarse pass looks at every step-th lag and sample, a fine pass at the
// lags around the coarse winner, which keeps the search cheap at 48 kHz.
func findPitch(x []int16, minP, maxP, win, step int) int {
	best, _ := searchLags(x, minP, maxP, win, step)
	lo := max(minP, best-step+1)
	hi := min(maxP, best+step-1)
	fine, _ := searchLags(x, lo, hi, win, 1)
	return fine
}

// searchLags scans lags lo..hi in steps of step, sampling the window with
// the same stride. It returns the best lag and its score.
func searchLags(x []int16, lo, hi, win, step int) (int, float64) {
	end := len(x)
	best, bestScore := hi, 0.0
	for lag := lo; lag <= hi; lag += step {
		var cross, energy int64
		for i := end - win; i < end; i += step {
			a, b := int64(x[i]), int64(x[i-lag])
			cross += a * b
			energy += b * b
		}
		if cross <= 0 || energy == 0 {
			continue
		}
		// cross²/energy ranks like cross/√energy for positive cross.
		score := float64(cross) * float64(cross) / float64(energy)
		if score > bestScore {
			best, bestScore = lag, score
		}
	}
	return best, bestScore
}
