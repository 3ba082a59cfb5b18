//! How well a classifier did on labelled texts: accuracy, macro-F1 and the confusion matrix.

use serde::{Deserialize, Serialize};

use crate::classify::Complexity;

/// The scores of predictions against the truth.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub samples: usize,
    pub accuracy: f64,
    /// The mean F1 over the classes that occur in the truth or the predictions.
    pub macro_f1: f64,
    /// F1 of simple, medium and complex (0 for a class never seen nor predicted).
    pub f1: [f64; 3],
    /// `confusion[truth][predicted]`, classes in the order simple, medium, complex.
    pub confusion: [[usize; 3]; 3],
}

/// Scores `predicted` against `truth` (pairs beyond the shorter list are ignored).
pub fn evaluate(truth: &[Complexity], predicted: &[Complexity]) -> Metrics {
    let mut confusion = [[0usize; 3]; 3];
    for (t, p) in truth.iter().zip(predicted) {
        confusion[*t as usize][*p as usize] += 1;
    }
    let samples: usize = confusion.iter().flatten().sum();
    let correct: usize = (0..3).map(|c| confusion[c][c]).sum();
    let mut f1 = [0.0; 3];
    let mut present = 0;
    for c in 0..3 {
        let true_positive = confusion[c][c] as f64;
        let actual: usize = confusion[c].iter().sum();
        let predicted: usize = (0..3).map(|t| confusion[t][c]).sum();
        if actual + predicted == 0 {
            continue;
        }
        present += 1;
        f1[c] = 2.0 * true_positive / (actual + predicted) as f64;
    }
    Metrics {
        samples,
        accuracy: ratio(correct as f64, samples as f64),
        macro_f1: ratio(f1.iter().sum(), f64::from(present)),
        f1,
        confusion,
    }
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 {
        0.0
    } else {
        numerator / denominator
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Complexity::{Complex, Medium, Simple};

    #[test]
    fn accuracy_macro_f1_and_confusion_by_hand() {
        // truth:     S S M M M C
        // predicted: S M M M C M
        let truth = [Simple, Simple, Medium, Medium, Medium, Complex];
        let predicted = [Simple, Medium, Medium, Medium, Complex, Medium];
        let m = evaluate(&truth, &predicted);
        assert_eq!(m.samples, 6);
        assert!((m.accuracy - 0.5).abs() < 1e-9);
        // simple: tp 1, actual 2, predicted 1 → 2/3; medium: tp 2, actual 3, predicted 4 → 4/7;
        // complex: tp 0 → 0. Macro: (2/3 + 4/7 + 0) / 3 = 26/63.
        assert!((m.f1[0] - 2.0 / 3.0).abs() < 1e-9);
        assert!((m.f1[1] - 4.0 / 7.0).abs() < 1e-9);
        assert_eq!(m.f1[2], 0.0);
        assert!((m.macro_f1 - 26.0 / 63.0).abs() < 1e-9);
        assert_eq!(m.confusion, [[1, 1, 0], [0, 2, 1], [0, 1, 0]]);
    }

    #[test]
    fn classes_absent_everywhere_do_not_count_and_empty_is_zero() {
        let m = evaluate(&[Medium, Medium], &[Medium, Medium]);
        assert_eq!((m.accuracy, m.macro_f1), (1.0, 1.0));
        let empty = evaluate(&[], &[]);
        assert_eq!(
            (empty.samples, empty.accuracy, empty.macro_f1),
            (0, 0.0, 0.0)
        );
    }
}
