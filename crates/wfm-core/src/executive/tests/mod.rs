//! Tests of the executive view on a hand-built three-group day, whose figures are worked
//! out by hand in the comments.

mod day;
mod figures;
mod moves;
