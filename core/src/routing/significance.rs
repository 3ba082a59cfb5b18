//! The two-proportion z-test an A/B test's status reports: is the difference between the
//! variants' success rates more than chance?

use serde::Serialize;

/// How the test is named in every output.
pub const METHOD: &str = "two-proportion z-test (pooled, two-sided)";

/// The level below which a p-value counts as significant.
pub const ALPHA: f64 = 0.05;

/// The outcome of the test of `b` against `a`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ZTest {
    /// (rate of b − rate of a) / pooled standard error.
    pub z: f64,
    pub p_value: f64,
}

/// The test for `a_succeeded` of `a_tasks` against `b_succeeded` of `b_tasks`; `None` while
/// either variant has no finished task.
pub fn two_proportion(
    a_succeeded: u64,
    a_tasks: u64,
    b_succeeded: u64,
    b_tasks: u64,
) -> Option<ZTest> {
    if a_tasks == 0 || b_tasks == 0 {
        return None;
    }
    let (n1, n2) = (a_tasks as f64, b_tasks as f64);
    let (p1, p2) = (a_succeeded as f64 / n1, b_succeeded as f64 / n2);
    let pooled = (a_succeeded + b_succeeded) as f64 / (n1 + n2);
    let error = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if error == 0.0 {
        // Both all succeeded or all failed: no difference at all.
        return Some(ZTest {
            z: 0.0,
            p_value: 1.0,
        });
    }
    let z = (p2 - p1) / error;
    Some(ZTest {
        z,
        p_value: erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0),
    })
}

/// The complementary error function (Numerical Recipes' Chebyshev fit, relative error below
/// 1.2e-7 everywhere).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let result = t * poly.exp();
    if x >= 0.0 { result } else { 2.0 - result }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_z_test_matches_a_hand_computation() {
        // a: 6 of 10, b: 9 of 10. Pooled 15/20 = 0.75; SE = sqrt(0.75 · 0.25 · (1/10 + 1/10))
        // = 0.193649; z = 0.3 / 0.193649 = 1.549193; p = 2 (1 − Φ(1.549193)) = 0.121335.
        let test = two_proportion(6, 10, 9, 10).unwrap();
        assert!((test.z - 1.549_193).abs() < 1e-5, "{test:?}");
        assert!((test.p_value - 0.121_335).abs() < 1e-5, "{test:?}");
        // The sign follows b − a; the p-value does not.
        let reverse = two_proportion(9, 10, 6, 10).unwrap();
        assert!((reverse.z + test.z).abs() < 1e-12);
        assert!((reverse.p_value - test.p_value).abs() < 1e-12);
        assert_eq!(two_proportion(0, 0, 3, 4), None);
        assert_eq!(
            two_proportion(5, 5, 7, 7),
            Some(ZTest {
                z: 0.0,
                p_value: 1.0
            })
        );
        // 1.96 is the two-sided 5% point.
        assert!((erfc(1.959_964 / std::f64::consts::SQRT_2) - 0.05).abs() < 1e-6);
    }
}
