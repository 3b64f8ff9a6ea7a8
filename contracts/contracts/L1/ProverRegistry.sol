// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { Owned } from "../lib/Owned.sol";

/// @title ProverRegistry
/// @notice The owner-managed set of prover signing keys (Ethereum addresses of secp256k1 keys) and the number of
///         distinct provers whose attestations make a quorum. Invariant: 1 <= quorum <= proverCount.
contract ProverRegistry is Owned {
    mapping(address => bool) public isProver;
    address[] internal _provers;
    uint256 public quorum;

    event ProverAdded(address indexed prover);
    event ProverRemoved(address indexed prover);
    event QuorumChanged(uint256 previousQuorum, uint256 newQuorum);

    error AlreadyProver(address prover);
    error NotProver(address prover);
    error InvalidQuorum(uint256 quorum, uint256 proverCount);

    constructor(address _owner, address[] memory _initialProvers, uint256 _quorum) Owned(_owner) {
        for (uint256 i = 0; i < _initialProvers.length; i++) {
            _addProver(_initialProvers[i]);
        }
        _setQuorum(_quorum);
    }

    function proverCount() external view returns (uint256) {
        return _provers.length;
    }

    function provers() external view returns (address[] memory) {
        return _provers;
    }

    function addProver(address _prover) external onlyOwner {
        _addProver(_prover);
    }

    /// @notice Removes a prover; the quorum must still be reachable by the provers left.
    function removeProver(address _prover) external onlyOwner {
        if (!isProver[_prover]) revert NotProver(_prover);
        if (_provers.length - 1 < quorum) revert InvalidQuorum(quorum, _provers.length - 1);
        isProver[_prover] = false;
        uint256 last = _provers.length - 1;
        for (uint256 i = 0; i <= last; i++) {
            if (_provers[i] == _prover) {
                _provers[i] = _provers[last];
                _provers.pop();
                break;
            }
        }
        emit ProverRemoved(_prover);
    }

    function setQuorum(uint256 _quorum) external onlyOwner {
        _setQuorum(_quorum);
    }

    function _addProver(address _prover) internal {
        if (_prover == address(0)) revert ZeroAddress();
        if (isProver[_prover]) revert AlreadyProver(_prover);
        isProver[_prover] = true;
        _provers.push(_prover);
        emit ProverAdded(_prover);
    }

    function _setQuorum(uint256 _quorum) internal {
        if (_quorum == 0 || _quorum > _provers.length) revert InvalidQuorum(_quorum, _provers.length);
        emit QuorumChanged(quorum, _quorum);
        quorum = _quorum;
    }
}
