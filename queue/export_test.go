package queue

// RiverLoggerForTest exposes River's logger to the external tests.
var RiverLoggerForTest = riverLogger
