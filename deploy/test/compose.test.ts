import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadCompose } from './lib/compose.js';
import { dockerDir } from './lib/paths.js';
import { quantityBytes } from './lib/workloads.js';

const compose = loadCompose();
const { services } = compose;
const apps = ['api', 'worker'] as const;

describe('docker/compose.yaml', () => {
  it('runs the whole stack: databases, migration, apps, Prometheus, Grafana, collector and Jaeger', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'api',
        'grafana',
        'jaeger',
        'migrate',
        'otel-collector',
        'postgres',
        'prometheus',
        'redis',
        'worker',
      ].sort(),
    );
  });

  it('builds the apps from the one Dockerfile, each from its own target, with version arguments', () => {
    for (const [name, target] of [
      ['api', 'api'],
      ['worker', 'worker'],
      ['migrate', 'api'],
    ] as const) {
      const build = services[name]?.build;
      expect(build, name).toMatchObject({ context: '..', dockerfile: 'docker/Dockerfile', target });
      expect(Object.keys(build?.args ?? {}).sort()).toEqual(['COMMIT', 'VERSION']);
      expect(existsSync(resolve(dockerDir, build?.context ?? '', build?.dockerfile ?? ''))).toBe(
        true,
      );
    }
    expect(services.migrate?.command).toEqual(['node', 'dist/migrate.js']);
  });

  it('starts the apps only after a successful migration and healthy databases', () => {
    for (const app of apps) {
      expect(services[app]?.depends_on, app).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(services.migrate?.depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
    });
    for (const name of ['postgres', 'redis'])
      expect(services[name]?.healthcheck?.test?.length, name).toBeGreaterThan(0);
  });

  it('publishes every port on 127.0.0.1 only, and each app port is the one its environment sets', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
    const containerPorts = (name: string) =>
      (services[name]?.ports ?? []).map((p) => Number(p.split(':')[2]));
    expect(containerPorts('api').sort()).toEqual(
      [
        Number(services.api?.environment?.SERVER_PORT),
        Number(services.api?.environment?.ADMIN_PORT),
      ].sort(),
    );
    expect(containerPorts('worker')).toEqual([Number(services.worker?.environment?.ADMIN_PORT)]);
  });

  it('Prometheus scrapes each app at its compose name and admin port', () => {
    const config = parse(readFileSync(join(dockerDir, 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = config.scrape_configs.flatMap((j) =>
      j.static_configs.flatMap((s) => s.targets),
    );
    for (const app of apps)
      expect(targets).toContain(`${app}:${String(services[app]?.environment?.ADMIN_PORT)}`);
  });

  it('bakes no secret into an image or an environment value: secrets are files mounted at run time', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        expect(String(value), `${name} ${key}`).not.toMatch(/:\/\/[^/\s]*:[^@/\s]*@/);
        if (/PASSWORD|SECRET|TOKEN/.test(key)) expect(key, name).toMatch(/_FILE$/);
        if (key.endsWith('_FILE'))
          expect(String(value), `${name} ${key}`).toMatch(/^\/run\/secrets\//);
      }
      for (const secret of service.secrets ?? [])
        expect(Object.keys(compose.secrets), name).toContain(secret);
    }
    for (const [name, secret] of Object.entries(compose.secrets)) {
      expect(existsSync(join(dockerDir, secret.file)), name).toBe(true);
    }
    for (const app of ['api', 'worker', 'migrate'])
      expect(services[app]?.environment?.DATABASE_URL_FILE).toBe('/run/secrets/database_url');
  });

  it('mounts only files and folders that exist in the repository', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (!source.startsWith('.')) {
          expect(Object.keys(compose.volumes), `${name}: ${volume}`).toContain(source);
          continue;
        }
        expect(existsSync(resolve(dockerDir, source)), `${name}: ${volume}`).toBe(true);
      }
    }
  });

  it('hardens the app containers and bounds every container’s memory; no CPU limit on the apps', () => {
    for (const name of ['api', 'worker', 'migrate']) {
      const service = services[name]!;
      expect(service.read_only, name).toBe(true);
      expect(service.cap_drop, name).toEqual(['ALL']);
      expect(service.security_opt, name).toContain('no-new-privileges:true');
      expect(service.deploy?.resources?.limits?.cpus, name).toBeUndefined();
      const limit = quantityBytes(
        (service.deploy?.resources?.limits?.memory ?? '').replace(/M$/, 'Mi'),
      );
      const heap = /--max-old-space-size=(\d+)/.exec(
        String(service.environment?.NODE_OPTIONS ?? ''),
      );
      expect(heap, name).not.toBeNull();
      const ratio = (Number(heap?.[1]) * 2 ** 20) / limit;
      expect(ratio, name).toBeGreaterThanOrEqual(0.5);
      expect(ratio, name).toBeLessThanOrEqual(0.8);
    }
    for (const [name, service] of Object.entries(services)) {
      expect(service.deploy?.resources?.limits?.memory, name).toBeDefined();
    }
  });

  it('keeps BullMQ safe in Redis: no eviction policy other than noeviction', () => {
    const command = services.redis?.command ?? [];
    expect(command[command.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
  });

  it('provisions Grafana with the dashboards in deploy/grafana and Prometheus with deploy/prometheus/rules.yaml', () => {
    expect(services.grafana?.volumes).toContain(
      '../deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro',
    );
    expect(services.prometheus?.volumes).toContain(
      '../deploy/prometheus/rules.yaml:/etc/prometheus/rules.yaml:ro',
    );
    const provider = parse(
      readFileSync(join(dockerDir, 'grafana/provisioning/dashboards/dashboards.yaml'), 'utf8'),
    ) as {
      providers: { options: { path: string } }[];
    };
    expect(provider.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards');
  });
  it('wires traces end to end: apps → collector OTLP/HTTP receiver → Jaeger OTLP/gRPC', () => {
    const collector = parse(
      readFileSync(join(dockerDir, 'otel-collector/config.yaml'), 'utf8'),
    ) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
      processors: Record<string, unknown>;
      exporters: Record<string, { endpoint: string }>;
      service: {
        pipelines: Record<
          string,
          { receivers: string[]; processors: string[]; exporters: string[] }
        >;
      };
    };
    const httpPort = collector.receivers.otlp.protocols.http.endpoint.split(':')[1];
    for (const app of apps) {
      expect(String(services[app]?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT)).toBe(
        `http://otel-collector:${httpPort ?? '?'}`,
      );
    }
    const { traces } = collector.service.pipelines;
    expect(traces?.receivers).toEqual(['otlp']);
    for (const name of traces?.processors ?? [])
      expect(Object.keys(collector.processors)).toContain(name);
    for (const name of traces?.exporters ?? []) {
      expect(collector.exporters[name]?.endpoint).toBe('jaeger:4317');
    }
    expect(services.jaeger?.environment?.COLLECTOR_OTLP_ENABLED).toBe('true');
    expect(services['otel-collector']?.volumes).toContain(
      './otel-collector/config.yaml:/etc/otelcol-contrib/config.yaml:ro',
    );
  });

  it('points Grafana at the compose Prometheus with the uid the dashboards default to', () => {
    const datasources = parse(
      readFileSync(join(dockerDir, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8'),
    ) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    const prometheus = datasources.datasources.find((d) => d.type === 'prometheus');
    expect(prometheus).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090' });
    const published = (services.prometheus?.ports ?? []).map((p) => p.split(':')[2]);
    expect(published).toContain('9090');
  });
});
