package queue

// SetFanOutForTest fans out DMs of more than above assignments in chunks
// of chunk until the returned function restores the defaults.
func SetFanOutForTest(above, chunk int) func() {
	oldAbove, oldChunk := fanOutAbove, fanOutChunk
	fanOutAbove, fanOutChunk = above, chunk
	return func() { fanOutAbove, fanOutChunk = oldAbove, oldChunk }
}

var (
	IDRangesForTest = idRanges
	TakeIDsForTest  = takeIDs
)
