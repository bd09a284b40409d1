package queue

// SetFanOutChunkForTest makes fan-out chunks of n DM jobs until the
// returned function restores them.
func SetFanOutChunkForTest(n int) func() {
	old := fanOutChunk
	fanOutChunk = n
	return func() { fanOutChunk = old }
}

var (
	IDRangesForTest = idRanges
	TakeIDsForTest  = takeIDs
)
