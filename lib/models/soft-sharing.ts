/**
 * Soft parameter sharing (Duong et al., ACL 2015): separate networks θ^t per task, pulled together
 * by the penalty λ Σ_{t<t'} ||θ^t − θ^t'||². λ = 0 gives independent networks; a large λ ties them.
 */
import * as tf from "@tensorflow/tfjs";
import { Independent, type IndependentConfig } from "./independent";

/** Configuration of soft parameter sharing. */
export interface SoftSharingConfig extends IndependentConfig {
  /** Strength λ of the penalty. Default 0.01. */
  lambda?: number;
}

/** Independent task networks plus a penalty on their differences. */
export class SoftSharing extends Independent {
  override readonly name: string;
  readonly lambda: number;

  constructor(config: SoftSharingConfig) {
    super(config);
    this.lambda = config.lambda ?? 0.01;
    this.name = `Soft sharing (λ = ${this.lambda})`;
  }

  /** λ Σ_{t<t'} Σ_layers ||θ^t − θ^t'||². */
  regularizer(): tf.Scalar {
    return tf.tidy(() => {
      const per = this.networks.map((n) => n.variables);
      let total: tf.Scalar = tf.scalar(0);
      for (let a = 0; a < per.length; a++) {
        for (let b = a + 1; b < per.length; b++) {
          per[a].forEach((v, i) => {
            total = total.add(tf.sub(v, per[b][i]).square().sum());
          });
        }
      }
      return total.mul(this.lambda);
    });
  }

  /** Mean squared distance between task networks' parameters (how tied they are). */
  parameterDistance(): number {
    return tf.tidy(() => {
      const per = this.networks.map((n) => n.variables);
      let total = 0;
      let pairs = 0;
      for (let a = 0; a < per.length; a++) {
        for (let b = a + 1; b < per.length; b++) {
          pairs++;
          total += per[a].reduce((s, v, i) => s + tf.sub(v, per[b][i]).square().sum().dataSync()[0], 0);
        }
      }
      return pairs ? total / pairs : 0;
    });
  }
}

/** Builds soft-parameter-sharing networks. */
export function softSharing(config: SoftSharingConfig): SoftSharing {
  return new SoftSharing(config);
}
