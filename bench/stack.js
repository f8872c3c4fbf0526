'use strict';
// The "full example stack" used by every benchmark: bundled LiveKit with TURNS, lk-jwt-service,
// an Ingress with TLS (cert-manager), NetworkPolicies, every credential from an existing Secret
// (what a real user does), in a namespaced Chart.

/** Props of the full example stack for tenant `i`. */
function fullStackProps(i) {
  const serverName = i === undefined ? 'matrix.example.org' : `matrix-${i}.example.org`;
  return {
    serverName,
    homeserver: {
      registrationTokenExistingSecret: { name: 'matrix-registration' },
      persistence: { size: '10Gi' },
    },
    livekit: {
      keys: { existingSecret: { name: 'livekit-credentials' } },
      turn: {
        enabled: true,
        domain: `turn.${serverName}`,
        tls: { existingSecret: 'turn-certificate' },
      },
    },
    lkJwt: {},
    networkPolicy: { enabled: true },
    ingress: {
      className: 'nginx',
      tls: { enabled: true, secretName: 'matrix-certificate', clusterIssuer: 'letsencrypt' },
    },
  };
}

/** Adds one full stack in its own Chart (namespace `tenant-<i>`) to `app`. */
function addStack(cdk8s, lib, app, i) {
  const chart = new cdk8s.Chart(app, `tenant-${i}`, { namespace: `tenant-${i}` });
  new lib.MatrixChat(chart, 'chat', fullStackProps(i));
  return chart;
}

module.exports = { fullStackProps, addStack };
