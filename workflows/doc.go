// Package workflows is Redress's handling protocol as pure code: the moves a
// case may make, their guards, deadlines and the remedy guard, with time passed in.
package workflows
