//! Thompson sampling over candidates with a Beta posterior on success and a cost penalty.
//!
//! Each candidate's success rate has the posterior Beta(1 + succeeded, 1 + failed) (a uniform
//! prior). Per task one rate is drawn from each posterior, and the draw less the cost penalty
//! scores the candidate; the highest score wins. The penalty is
//! `cost_weight × mean_tokens / max_mean_tokens`: the costliest candidate (tokens per task of
//! the role, among those with history) gives up `cost_weight` of success probability, a
//! candidate at half its tokens half of that, one without history nothing (it is explored).

use rand::Rng;
use rand_distr::{Beta, Distribution};

/// What the router knows of one candidate.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Arm {
    pub tasks: u64,
    pub succeeded: u64,
    /// Tokens per task, when it has tasks.
    pub mean_tokens: Option<f64>,
}

impl Arm {
    /// The mean of the success posterior.
    pub fn posterior_mean(&self) -> f64 {
        (1.0 + self.succeeded as f64) / (2.0 + self.tasks as f64)
    }

    fn failed(&self) -> u64 {
        self.tasks.saturating_sub(self.succeeded)
    }
}

/// One candidate's draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draw {
    /// The success rate drawn from the posterior.
    pub sample: f64,
    /// The draw less the cost penalty.
    pub score: f64,
}

/// Draws for every arm and returns the index of the best score (the first on a tie) with the
/// draws. `cost_weight` is in success-probability points (0.2 = 20 points). No arms: index 0.
pub fn choose<R: Rng + ?Sized>(arms: &[Arm], cost_weight: f64, rng: &mut R) -> (usize, Vec<Draw>) {
    let costliest = arms
        .iter()
        .filter_map(|arm| arm.mean_tokens)
        .fold(0.0_f64, f64::max);
    let draws: Vec<Draw> = arms
        .iter()
        .map(|arm| {
            let alpha = 1.0 + arm.succeeded as f64;
            let beta = 1.0 + arm.failed() as f64;
            let sample = match Beta::new(alpha, beta) {
                Ok(posterior) => posterior.sample(rng),
                Err(_) => arm.posterior_mean(),
            };
            let penalty = match arm.mean_tokens {
                Some(tokens) if costliest > 0.0 => cost_weight * tokens / costliest,
                _ => 0.0,
            };
            Draw {
                sample,
                score: sample - penalty,
            }
        })
        .collect();
    let best = draws
        .iter()
        .enumerate()
        .fold(None::<(usize, f64)>, |best, (index, draw)| match best {
            Some((_, score)) if score >= draw.score => best,
            _ => Some((index, draw.score)),
        })
        .map_or(0, |(index, _)| index);
    (best, draws)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn a_simulated_bandit_settles_on_the_best_model() {
        // 10,000 tasks, three models that succeed 45%, 60% and 75% of the time, equal cost.
        let rates = [0.45, 0.60, 0.75];
        let mut arms = [Arm::default(); 3];
        let mut rng = StdRng::seed_from_u64(17);
        let warm_up = 1_000;
        let mut best_after_warm_up = 0;
        for task in 0..10_000 {
            let (chosen, _) = choose(&arms, 0.2, &mut rng);
            let succeeded = rng.random::<f64>() < rates[chosen];
            arms[chosen].tasks += 1;
            arms[chosen].succeeded += u64::from(succeeded);
            arms[chosen].mean_tokens = Some(1000.0);
            if task >= warm_up && chosen == 2 {
                best_after_warm_up += 1;
            }
        }
        let share = f64::from(best_after_warm_up) / 9_000.0;
        assert!(share >= 0.9, "the best model got {share:.3} of the tasks");
    }

    #[test]
    fn cost_breaks_the_tie_between_equally_good_models() {
        // Both succeed 90 of 100 times; one takes four times the tokens.
        let arms = [
            Arm {
                tasks: 100,
                succeeded: 90,
                mean_tokens: Some(40_000.0),
            },
            Arm {
                tasks: 100,
                succeeded: 90,
                mean_tokens: Some(10_000.0),
            },
        ];
        let mut rng = StdRng::seed_from_u64(3);
        let cheap = (0..1000)
            .filter(|_| choose(&arms, 0.2, &mut rng).0 == 1)
            .count();
        assert!(cheap > 950, "the cheaper model won {cheap} of 1000");
        // Without a cost weight they split about evenly.
        let cheap = (0..1000)
            .filter(|_| choose(&arms, 0.0, &mut rng).0 == 1)
            .count();
        assert!((350..650).contains(&cheap), "{cheap}");
    }

    #[test]
    fn draws_are_reproducible_with_a_seed_and_scores_subtract_the_penalty() {
        let arms = [
            Arm {
                tasks: 4,
                succeeded: 3,
                mean_tokens: Some(2000.0),
            },
            Arm {
                tasks: 2,
                succeeded: 1,
                mean_tokens: Some(1000.0),
            },
            Arm::default(),
        ];
        let first = choose(&arms, 0.2, &mut StdRng::seed_from_u64(9));
        let again = choose(&arms, 0.2, &mut StdRng::seed_from_u64(9));
        assert_eq!(first, again);
        let draws = first.1;
        assert!((draws[0].sample - draws[0].score - 0.2).abs() < 1e-12);
        assert!((draws[1].sample - draws[1].score - 0.1).abs() < 1e-12);
        assert_eq!(draws[2].sample, draws[2].score);
        assert!((arms[0].posterior_mean() - 4.0 / 6.0).abs() < 1e-12);
    }
}
