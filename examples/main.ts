/**
 * The example stack: what a platform team's cdk8s app looks like.
 *
 * Credentials come from Secrets created by your secret manager (never inline in code):
 *   kubectl -n chat create secret generic matrix-registration --from-literal=registration_token="$(openssl rand -hex 32)"
 *   kubectl -n chat create secret generic livekit-credentials \
 *     --from-literal=LIVEKIT_API_KEY=APIchat --from-literal=LIVEKIT_API_SECRET="$SECRET" \
 *     --from-literal=LIVEKIT_KEYS="APIchat: $SECRET"
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { MatrixChat } from '../src';

export class MatrixChatExample extends Chart {
  public readonly chat: MatrixChat;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'chat', ...props });
    this.chat = new MatrixChat(this, 'chat', {
      serverName: 'matrix.example.org',
      homeserver: {
        registrationTokenExistingSecret: { name: 'matrix-registration' },
        persistence: { size: '20Gi', storageClassName: 'standard-rwo' },
      },
      livekit: {
        keys: { existingSecret: { name: 'livekit-credentials' } },
        // The livekit-rtc LoadBalancer's external IP, set after its first apply (README, "Calls").
        rtc: { nodeIp: '203.0.113.10' },
        turn: {
          enabled: true,
          domain: 'turn.matrix.example.org',
          tls: { existingSecret: 'livekit-turn-tls' },
        },
      },
      ingress: {
        className: 'nginx',
        tls: { enabled: true, secretName: 'matrix-certificate', clusterIssuer: 'letsencrypt-prod' },
      },
      labels: { 'example.org/team': 'platform' },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new MatrixChatExample(app, 'matrix-chat');
  app.synth();
}
