"""Running effiskel on clusters: a local multi-node Ray, cloud launcher configs, KubeRay."""
