// Package fourthlang holds only a test: a language added from a catalogue
// file and a registry line, with no code change, reaches every surface.
package fourthlang
