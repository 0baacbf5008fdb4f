//go:build race

package history

func init() { frameBudgetScale = 5 } // the race detector slows frames down
